// Brygga's dashboard: polls the JSON endpoints every few seconds and draws them. The API key is
// kept in sessionStorage (gone when the tab closes) and sent as `Authorization: Bearer <key>`;
// on a development Brygga that runs open no key is asked for.
'use strict';

const KEY = 'brygga.apiKey';
const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh')) || 5000;
const $ = (selector, root = document) => root.querySelector(selector);

let timer;

function headers() {
  const key = sessionStorage.getItem(KEY);
  return key ? { authorization: `Bearer ${key}` } : {};
}

class Unauthenticated extends Error {}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...headers(), ...(init.headers || {}) } });
  if (response.status === 401) throw new Unauthenticated();
  return response;
}

async function json(path) {
  const response = await api(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** Seconds as "2 d 4 h", "3 h 12 min", "5 min", "40 s". */
function duration(seconds) {
  const s = Math.abs(Math.round(seconds));
  if (s >= 86400) return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min`;
  return `${s} s`;
}

const time = (iso) => new Date(iso).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });
const PHASE = { open: 'öppen', 'due-soon': 'snart förfallen', breached: 'överskriden' };
const KIND = { kvittens: 'Kvittens', plan: 'Genomförandeplan', exec3m: 'Verkställighet 3 mån' };

function drawDeadlines({ units }) {
  const root = $('#deadlines .units');
  if (units.length === 0) return root.replaceChildren(el('p', { class: 'empty' }, 'Inga öppna eller överskridna tidsfrister.'));
  root.replaceChildren(...units.map((unit) => el('article', { class: 'unit' },
    el('h3', {}, unit.unit),
    el('p', { class: 'counts' },
      el('span', { class: 'pill open' }, `${unit.open} öppna`), ' ',
      el('span', { class: 'pill due-soon' }, `${unit.dueSoon} snart förfallna`), ' ',
      el('span', { class: 'pill breached' }, `${unit.breached} överskridna`)),
    el('ul', {}, unit.deadlines.map((d) => el('li', { class: d.phase, 'data-deadline': d.id },
      el('span', { class: `pill ${d.phase}` }, PHASE[d.phase]), ' ',
      el('strong', {}, KIND[d.kind] || d.kind), ` ${d.reference || d.orderId} · `,
      d.phase === 'breached' ? `överskriden sedan ${duration(d.overdueSeconds)}` : `förfaller ${time(d.dueAt)}`,
      ` · öppnad för ${duration(d.ageSeconds)} sedan`))),
  )));
}

async function replay(id, button) {
  button.disabled = true;
  button.textContent = 'Spelar upp …';
  try {
    const response = await api(`/api/dead-letters/${encodeURIComponent(id)}/replay`, { method: 'POST' });
    const body = await response.json().catch(() => ({}));
    button.textContent = response.status === 202 ? 'Uppspelad' : `Avvisad igen (${body.errorCode || body.code || response.status})`;
  } catch (error) {
    if (error instanceof Unauthenticated) return showLogin();
    button.textContent = 'Misslyckades';
  }
  refresh();
}

function drawDeadLetters({ deadLetters }) {
  const root = $('#dead-letters .list');
  if (deadLetters.length === 0) return root.replaceChildren(el('p', { class: 'empty' }, 'Inga döda brev.'));
  root.replaceChildren(el('ul', {}, deadLetters.map((d) => {
    const replayed = d.replay && d.replay.outcome === 'accepted';
    const state = replayed ? `uppspelad ${time(d.replay.at)}` : d.failedReplays ? `avvisad igen ${d.failedReplays} gång(er)` : '';
    return el('li', { 'data-dead-letter': d.id },
      el('strong', {}, d.stage), ` · ${d.system} · ${time(d.receivedAt)} · `, el('code', {}, d.codes.join(', ')),
      d.orderId ? ` · ${d.orderId}` : '', state ? ` · ${state}` : '', ' ',
      replayed ? '' : el('button', { type: 'button', class: 'replay', onclick: (e) => replay(d.id, e.currentTarget) }, 'Spela upp igen'));
  })));
}

const REVIEW_STATUS = { open: 'att granska', attached: 'kopplad till order', dismissed: 'avfärdad' };

/** The review list (GET /api/review): messages that matched no order, for a person to attach or dismiss. */
function drawReview(body) {
  const root = $('#review .list');
  const items = (body && body.items) || [];
  if (items.length === 0) return root.replaceChildren(el('p', { class: 'empty' }, 'Inget att granska.'));
  root.replaceChildren(el('ul', {}, items.map((item) => el('li', { 'data-review': item.id },
    el('strong', {}, item.system), ` · ${time(item.receivedAt)} · ${REVIEW_STATUS[item.status] || item.status}`,
    item.problems && item.problems.length ? [' · ', el('code', {}, [...new Set(item.problems.map((p) => p.code))].join(', '))] : '',
    item.decision && item.decision.orderId ? ` · ${item.decision.orderId}` : ''))));
}

function drawFlow({ systems }) {
  $('#flow tbody').replaceChildren(...systems.map((s) => el('tr', { 'data-system': s.system },
    el('th', { scope: 'row' }, s.system),
    ...[s.received, s.refused, s.delivered, s.failed, s.retried, s.waiting].map((n) => el('td', {}, n)),
    el('td', {}, s.waiting > 0 ? duration(s.oldestUndeliveredSeconds) : '–'))));
}

async function review() {
  // Absent on a Brygga without a review list: an empty section.
  const response = await api('/api/review?status=open');
  return response.ok ? response.json() : { items: [] };
}

async function refresh() {
  clearTimeout(timer);
  try {
    const [deadlines, deadLetters, flow, reviewList] = await Promise.all([
      json('/api/overview/deadlines'), json('/api/dead-letters?limit=50'), json('/api/flow'), review(),
    ]);
    drawDeadlines(deadlines);
    drawDeadLetters(deadLetters);
    drawFlow(flow);
    drawReview(reviewList);
    $('#status').textContent = `Uppdaterad ${new Date().toLocaleTimeString('sv-SE')}`;
    $('#status').classList.remove('error');
  } catch (error) {
    if (error instanceof Unauthenticated) return showLogin();
    $('#status').textContent = `Kunde inte uppdatera: ${error.message}`;
    $('#status').classList.add('error');
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function showBoard() {
  $('#login').hidden = true;
  $('#board').hidden = false;
  $('#logout').hidden = !sessionStorage.getItem(KEY);
  refresh();
}

function showLogin(message = '') {
  clearTimeout(timer);
  $('#board').hidden = true;
  $('#logout').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message || (sessionStorage.getItem(KEY) ? 'Nyckeln godtogs inte.' : '');
  $('#status').textContent = 'Inloggning krävs';
  $('#key').focus();
}

$('#login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('#key').value.trim());
  $('#key').value = '';
  showBoard();
});

$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  showLogin();
});

showBoard();
