// The WSDL of what Brygga takes from Paraply, generated from the inbound mapping so that it
// cannot drift from what the parser reads: one document/literal operation per mapped Paraply
// operation, the Meddelandeinfo header, the answer, and Brygga's fault detail.
import { xmlEscape } from '../../src/connectors/xml-mapping/writer.ts';
import { INBOUND, NAMESPACE, TABLES, type FieldMap } from './mapping.ts';

export const FAULT_NAMESPACE = 'urn:brygga:fel:v1';

function xsType(field: FieldMap): string {
  if (typeof field.kind === 'object') return `par:${field.kind.table}`;
  return { text: 'xs:string', integer: 'xs:int', date: 'xs:date', datetime: 'xs:dateTime', personnummer: 'par:personnummer', boolean: 'xs:boolean' }[field.kind];
}

const isRequired = (field: FieldMap): boolean => field.required === true;

/** The operation element's type: its child elements (any order: xs:all) and attributes. */
function operationType(fields: FieldMap[]): string {
  type ElementSpec = { type?: string; required: boolean; attributes: Map<string, { type: string; required: boolean }> };
  const elements = new Map<string, ElementSpec>();
  const ownAttributes = new Map<string, { type: string; required: boolean }>();
  for (const field of fields) {
    for (const xml of [field.xml, ...(field.alsoFrom ? [field.alsoFrom] : [])]) {
      if (xml.startsWith('Header/')) continue;
      const required = isRequired(field) && xml === field.xml && !field.alsoFrom;
      const [first, second] = xml.split('/');
      if (first!.startsWith('@')) {
        ownAttributes.set(first!.slice(1), { type: xsType(field), required: false });
        continue;
      }
      const entry: ElementSpec = elements.get(first!) ?? { required: false, attributes: new Map() };
      elements.set(first!, entry);
      entry.required ||= required;
      if (second?.startsWith('@')) {
        const previous = entry.attributes.get(second.slice(1));
        // A value table says more than the text it is read from: its enumeration wins.
        const type = typeof field.kind === 'object' || !previous ? xsType(field) : previous.type;
        entry.attributes.set(second.slice(1), { type, required: (previous?.required ?? false) || required });
      } else entry.type ??= xsType(field);
    }
  }
  const attribute = (name: string, a: { type: string; required: boolean }, indent: string) =>
    `${indent}<xs:attribute name="${name}" type="${a.type}"${a.required ? ' use="required"' : ''}/>`;
  const children = [...elements].map(([name, e]) => {
    const occurs = e.required ? '' : ' minOccurs="0"';
    if (e.attributes.size === 0) return `          <xs:element name="${name}" type="${e.type ?? 'xs:string'}"${occurs}/>`;
    const attributes = [...e.attributes].map(([n, a]) => attribute(n, a, '              ')).join('\n');
    return `          <xs:element name="${name}"${occurs}>\n            <xs:complexType>\n${attributes}\n            </xs:complexType>\n          </xs:element>`;
  });
  const own = [...ownAttributes].map(([n, a]) => attribute(n, a, '        '));
  return `        <xs:complexType>\n          <xs:all>\n${children.map((c) => `  ${c.replaceAll('\n', '\n  ')}`).join('\n')}\n          </xs:all>${own.length ? `\n${own.map((a) => `  ${a}`).join('\n')}` : ''}\n        </xs:complexType>`;
}

/** The WSDL, with `address` as the soap:address of the service (where it was fetched from). */
export function renderWsdl(address: string): string {
  const tables = Object.entries(TABLES).map(([name, table]) =>
    `      <xs:simpleType name="${name}">\n        <xs:restriction base="xs:string">\n${Object.keys(table).map((k) => `          <xs:enumeration value="${xmlEscape(k)}"/>`).join('\n')}\n        </xs:restriction>\n      </xs:simpleType>`);
  const operations = INBOUND.map((op) => `      <xs:element name="${op.operation}">\n${operationType(op.fields)}\n      </xs:element>
      <xs:element name="${op.operation}Response">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="BestallningsId" type="xs:string"/>
            <xs:element name="BryggaOrderId" type="xs:string"/>
            <xs:element name="Mottagen" type="xs:dateTime"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>`);
  const messages = INBOUND.map((op) => `  <wsdl:message name="${op.operation}Request"><wsdl:part name="parameters" element="par:${op.operation}"/></wsdl:message>
  <wsdl:message name="${op.operation}Response"><wsdl:part name="parameters" element="par:${op.operation}Response"/></wsdl:message>`);
  const portOps = INBOUND.map((op) => `    <wsdl:operation name="${op.operation}">
      <wsdl:input message="par:${op.operation}Request"/>
      <wsdl:output message="par:${op.operation}Response"/>
      <wsdl:fault name="Fel" message="par:Fel"/>
    </wsdl:operation>`);
  const bindingOps = INBOUND.map((op) => `    <wsdl:operation name="${op.operation}">
      <soap:operation soapAction="${NAMESPACE}/${op.operation}" style="document"/>
      <wsdl:input>
        <soap:header message="par:Meddelandeinfo" part="Meddelandeinfo" use="literal"/>
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="Fel"><soap:fault name="Fel" use="literal"/></wsdl:fault>
    </wsdl:operation>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="BryggaParaply" targetNamespace="${NAMESPACE}"
  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:par="${NAMESPACE}" xmlns:fel="${FAULT_NAMESPACE}">
  <wsdl:documentation>What Brygga takes from Paraplysystemet (SOAP 1.1, document/literal, Content-Type text/xml in UTF-8 or ISO-8859-1). Child elements may come in any order; unknown elements are ignored. A refusal is a SOAP Fault (HTTP 500; 415 for another media type) whose faultstring names the field and the rule.</wsdl:documentation>
  <wsdl:types>
    <xs:schema targetNamespace="${NAMESPACE}" elementFormDefault="qualified">
      <xs:simpleType name="personnummer">
        <xs:restriction base="xs:string"><xs:pattern value="(\\d{2})?\\d{6}[-+]?\\d{4}"/></xs:restriction>
      </xs:simpleType>
${tables.join('\n')}
      <xs:element name="Meddelandeinfo">
        <xs:complexType>
          <xs:all>
            <xs:element name="Id" type="xs:string"/>
            <xs:element name="Skickad" type="xs:dateTime"/>
          </xs:all>
        </xs:complexType>
      </xs:element>
${operations.join('\n')}
    </xs:schema>
    <xs:schema targetNamespace="${FAULT_NAMESPACE}" elementFormDefault="qualified">
      <xs:element name="Fel">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="Kod" type="xs:string"/>
            <xs:element name="DeadLetterId" type="xs:string" minOccurs="0"/>
            <xs:element name="Problem" minOccurs="0" maxOccurs="unbounded">
              <xs:complexType>
                <xs:simpleContent>
                  <xs:extension base="xs:string">
                    <xs:attribute name="kod" type="xs:string"/>
                    <xs:attribute name="falt" type="xs:string"/>
                    <xs:attribute name="regel" type="xs:string"/>
                  </xs:extension>
                </xs:simpleContent>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="Meddelandeinfo"><wsdl:part name="Meddelandeinfo" element="par:Meddelandeinfo"/></wsdl:message>
  <wsdl:message name="Fel"><wsdl:part name="Fel" element="fel:Fel"/></wsdl:message>
${messages.join('\n')}
  <wsdl:portType name="BryggaParaplyPortType">
${portOps.join('\n')}
  </wsdl:portType>
  <wsdl:binding name="BryggaParaplyBinding" type="par:BryggaParaplyPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindingOps.join('\n')}
  </wsdl:binding>
  <wsdl:service name="BryggaParaply">
    <wsdl:port name="BryggaParaplyPort" binding="par:BryggaParaplyBinding">
      <soap:address location="${xmlEscape(address)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
