// The order on paper: a one- or two-page A4 PDF with every field of R-ORDER-CONTENT the canonical
// order has, the case officer's contact, and the reference token on the page. DejaVu Sans is
// embedded, so åäö and any other letter of a name print whatever the reader's fonts.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const FONT_DIR = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');
const REGULAR = join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = join(FONT_DIR, 'DejaVuSans-Bold.ttf');

/** One block of the page: a heading and its rows (label, value), or a paragraph. */
export type PdfBlock = { heading: string; rows: Array<[string, string]> } | { heading: string; paragraph: string };

export interface PdfPage {
  title: string;
  /** Printed large under the title: the token a reply must carry. */
  token: string;
  blocks: PdfBlock[];
  /** Fixed metadata time, so the same delivery renders the same document. */
  createdAt: Date;
}

export async function renderPdf(page: PdfPage): Promise<Buffer> {
  // Loaded on first use: an installation without the mail route never pays for pdfkit.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `${page.title} ${page.token}`, Creator: 'Brygga', Producer: 'Brygga', CreationDate: page.createdAt, ModDate: page.createdAt },
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('bold').fontSize(18).text(page.title);
  doc.moveDown(0.3);
  doc.font('bold').fontSize(13).text(`Referens: ${page.token}`);
  doc.moveDown(0.8);
  for (const block of page.blocks) {
    doc.font('bold').fontSize(12).text(block.heading);
    doc.moveDown(0.2);
    if ('paragraph' in block) {
      doc.font('regular').fontSize(10.5).text(block.paragraph);
    } else {
      for (const [label, value] of block.rows) {
        doc.font('bold').fontSize(10.5).text(`${label}: `, { continued: true });
        doc.font('regular').text(value);
      }
    }
    doc.moveDown(0.7);
  }
  doc.end();
  return done;
}
