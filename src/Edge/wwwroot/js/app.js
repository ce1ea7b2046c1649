// AkkaChat browser client: plain ES modules, no build step. Everything from the network is shown with textContent
// and createElement, never as HTML, so no markup or script in a message, name or file name can run.
import { post, upload, setToken, ApiError } from './api.js';
import { Connection } from './connection.js';

const $ = id => document.getElementById(id);
const SESSION = 'akkachat.session';
const EMOJI = ['😀', '😂', '😊', '😍', '😎', '🤔', '😢', '😡', '👍', '👎', '👏', '🙏', '🎉', '❤️', '🔥', '✅', '☕', '🍕', '🌟', '🚀', '👋', '🙂', '😅', '🤝'];
const RECALL_MS = 120000;

// ---- state ----
let session = null; // {id, token, nickname}
let conn = null;
const convs = new Map(); // conv -> {conv, name, avatar, last, unread, pinned, muted}
const messages = new Map(); // conv -> Map(seq -> msg)
const more = new Map(); // conv -> {more, before} of the history pages loaded
const peerRead = new Map(); // conv -> highest of my seqs the peer has read
const profiles = new Map(); // user id -> public profile
const online = new Set(); // friend ids online
const typingUntil = new Map(); // conv -> {name, until}
let friends = [];
let rooms = [];
let current = null; // open conv
let lastTypingSent = 0;
let pendingImage = null; // {blob, url}

// ---- helpers ----
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}
const safeUrl = u => (typeof u === 'string' && /^\/mnt\/[0-9a-f]{32}\.[a-z0-9]{1,8}$/.test(u) ? u : null);
const peerOf = conv => (conv[0] === 'u' ? Number(conv.slice(1)) : null);
const convOfMsg = m => (m.stream[0] === 'r' ? m.stream : 'u' + (m.userid === session.id ? m.dstid : m.userid));
const time = ms => {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
};
const size = n => (n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KB' : (n / 1048576).toFixed(1) + ' MB');
const nameOf = id => (id === session.id ? 'You' : profiles.get(id)?.nickname || 'User ' + id);
function avatar(node, name, url, userId) {
  node.replaceChildren();
  const safe = safeUrl(url);
  if (safe) node.append(el('img', { src: safe, alt: '' }));
  else node.textContent = (name || '?').trim().slice(0, 1).toUpperCase();
  if (userId) node.append(el('span', { class: 'dot' + (online.has(userId) ? ' online' : ''), title: online.has(userId) ? 'online' : 'offline' }));
}
function summary(m) {
  if (!m) return '';
  if (m.recalled) return 'Message recalled';
  switch (m.media) {
    case 3: return '🎤 Voice message';
    case 4: return '🖼 Image';
    case 100: return '📎 ' + (m.content || 'File');
    default: return m.content || '';
  }
}

// ---- session ----
async function login(mobile, passwd) {
  const user = await post('/user/login', { mobile, passwd });
  session = { id: user.id, token: user.token, nickname: user.nickname || mobile };
  localStorage.setItem(SESSION, JSON.stringify(session));
  start();
}

async function logout() {
  try { await post('/user/logout'); } catch { /* an older node has no /user/logout: clearing local state is enough */ }
  conn?.stop();
  localStorage.removeItem(SESSION);
  location.reload();
}

function start() {
  setToken(session.token);
  $('auth').hidden = true;
  $('app').hidden = false;
  $('me-name').textContent = `${session.nickname} · id ${session.id}`;
  avatar($('me-avatar'), session.nickname);
  conn = new Connection(session.id, session.token, { onFrame, onState });
  conn.start();
  loadContacts();
}

function onState(up) {
  $('banner').hidden = up;
  if (up) {
    conn.raw({ type: 'conversations', limit: 100 });
    if (current) requestHistory(current, true);
  }
}

// ---- frames ----
function onFrame(f) {
  switch (f.type) {
    case 'msg': addMessage(f, true); break;
    case 'ack': break; // the message itself follows (or came first) with the same cid
    case 'conversations':
      for (const item of f.items) convs.set(item.conv, { ...convs.get(item.conv), ...item });
      renderList();
      break;
    case 'history': onHistory(f); break;
    case 'read': {
      const c = convs.get(f.conv);
      if (c) { c.unread = f.unread; renderList(); }
      break;
    }
    case 'flags': {
      const c = convs.get(f.conv);
      if (c) { c.pinned = f.pinned; c.muted = f.muted; renderList(); if (current === f.conv) renderHeader(); }
      break;
    }
    case 'receipt': {
      const mine = messages.get(f.conv);
      const read = mine && [...mine.values()].find(m => m.mid === f.mid);
      if (read) peerRead.set(f.conv, Math.max(peerRead.get(f.conv) || 0, read.seq));
      if (current === f.conv) renderMessages();
      break;
    }
    case 'typing': {
      typingUntil.set(f.conv, { name: nameOf(f.userid), until: Date.now() + 4000 });
      if (current === f.conv) renderHeader();
      setTimeout(() => current === f.conv && renderHeader(), 4100);
      break;
    }
    case 'presence':
      if (f.online) online.add(f.userid); else online.delete(f.userid);
      renderList();
      if (current) renderHeader();
      break;
    case 'recalled': {
      for (const [conv, list] of messages) {
        const m = list.get(f.seq);
        if (m && m.stream === f.stream && m.mid === f.mid) { m.recalled = true; delete m.content; if (conv === current) renderMessages(); }
      }
      for (const c of convs.values()) if (c.last && c.last.mid === f.mid) { c.last.recalled = true; renderList(); }
      break;
    }
    case 'error':
      $('chat-error').textContent = f.msg || f.code;
      if (f.cid) renderMessages();
      break;
  }
}

function addMessage(m, live) {
  const conv = convOfMsg(m);
  if (!messages.has(conv)) messages.set(conv, new Map());
  messages.get(conv).set(m.seq, m);
  if (!live) return;
  const c = convs.get(conv) || { conv, name: '', avatar: '', unread: 0, pinned: false, muted: false };
  if (!c.last || c.last.createat <= m.createat) c.last = m;
  const mine = m.userid === session.id;
  const viewing = current === conv && document.visibilityState === 'visible';
  if (!mine && !viewing) c.unread = (c.unread || 0) + 1;
  if (!c.name) fillName(c);
  convs.set(conv, c);
  renderList();
  if (current === conv) {
    renderMessages(true);
    if (!mine) markRead(conv);
  }
}

function fillName(c) {
  const peer = peerOf(c.conv);
  if (peer) {
    c.name = profiles.get(peer)?.nickname || 'User ' + peer;
    if (!profiles.has(peer)) post('/user/find', { id: peer }).then(p => { profiles.set(p.id, p); c.name = p.nickname || c.name; c.avatar = p.avatar; renderList(); }).catch(() => {});
  } else {
    const room = rooms.find(r => 'r' + r.id === c.conv);
    c.name = room ? room.name : 'Room ' + c.conv.slice(1);
  }
}

let loadingOlder = null; // the conv whose older page was asked for: keep the reader's place when it comes
function onHistory(f) {
  for (const m of f.messages) addMessage(m, false);
  const older = loadingOlder === f.conv;
  if (older) loadingOlder = null;
  const page = more.get(f.conv);
  // The newest page says nothing about how far back we have paged already.
  if (older || !page) more.set(f.conv, { more: f.more, before: f.before });
  if (f.conv !== current) return;
  if (older) {
    const box = $('messages');
    const fromBottom = box.scrollHeight - box.scrollTop;
    renderMessages(false);
    box.scrollTop = box.scrollHeight - fromBottom;
  } else {
    renderMessages(true);
    markRead(f.conv);
  }
}

function requestHistory(conv, fresh) {
  const page = more.get(conv);
  if (fresh || !page) conn.raw({ type: 'history', conv, limit: 50 });
  else if (page.more && loadingOlder !== conv) {
    loadingOlder = conv;
    conn.raw({ type: 'history', conv, before: page.before, limit: 50 });
  }
}

function markRead(conv) {
  const list = messages.get(conv);
  if (!list || list.size === 0) return;
  const seq = Math.max(...list.keys());
  const c = convs.get(conv);
  if (c && c.unread === 0 && c.readSeq >= seq) return;
  if (c) { c.unread = 0; c.readSeq = seq; renderList(); }
  conn.raw({ type: 'read', conv, seq });
}

// ---- conversation list ----
function renderList() {
  const items = [...convs.values()].sort((a, b) => (b.pinned - a.pinned) || ((b.last?.createat || 0) - (a.last?.createat || 0)));
  const list = $('conv-list');
  list.replaceChildren(...items.map(c => {
    const peer = peerOf(c.conv);
    const av = el('span', { class: 'avatar', 'aria-hidden': 'true' });
    avatar(av, c.name, c.avatar, peer);
    const badge = c.unread > 0 ? el('span', { class: 'badge' + (c.muted ? ' muted-badge' : ''), text: String(c.unread), 'aria-label': `${c.unread} unread` }) : null;
    const label = `${c.name}${c.pinned ? ', pinned' : ''}${c.muted ? ', muted' : ''}${c.unread ? `, ${c.unread} unread` : ''}`;
    const button = el('button', { type: 'button', class: 'conv' + (c.conv === current ? ' active' : ''), 'data-conv': c.conv, 'aria-label': label, onclick: () => openConv(c.conv) },
      av,
      el('span', { class: 'conv-body' },
        el('span', { class: 'conv-top' }, el('span', { class: 'conv-name', text: (c.pinned ? '📌 ' : '') + c.name }), el('span', { class: 'conv-time', text: time(c.last?.createat) })),
        el('span', { class: 'conv-bottom' }, el('span', { class: 'conv-last', text: summary(c.last) }), c.muted ? el('span', { text: '🔕', 'aria-hidden': 'true' }) : null, badge)));
    return el('li', {}, button);
  }));
  $('conv-empty').hidden = items.length > 0;
}

// ---- chat view ----
function openConv(conv) {
  current = conv;
  if (!convs.has(conv)) { const c = { conv, name: '', unread: 0, pinned: false, muted: false }; fillName(c); convs.set(conv, c); }
  $('chat').hidden = false;
  $('placeholder').hidden = true;
  $('app').classList.add('in-chat');
  $('member-list').hidden = true;
  $('chat-error').textContent = '';
  renderHeader();
  renderMessages(true);
  renderList();
  requestHistory(conv, true);
  $('text').focus();
}

function closeConv() {
  current = null;
  $('app').classList.remove('in-chat');
  $('chat').hidden = true;
  $('placeholder').hidden = false;
  renderList();
}

function renderHeader() {
  const c = convs.get(current);
  if (!c) return;
  const peer = peerOf(current);
  $('chat-name').textContent = c.name;
  avatar($('chat-avatar'), c.name, c.avatar, peer);
  const typing = typingUntil.get(current);
  $('chat-status').textContent = typing && typing.until > Date.now() ? `${typing.name} is typing…`
    : peer ? (online.has(peer) ? 'online' : 'offline') : `room id ${current.slice(1)}`;
  $('chat-status').classList.toggle('typing', !!(typing && typing.until > Date.now()));
  $('pin').setAttribute('aria-pressed', String(!!c.pinned));
  $('pin').textContent = c.pinned ? 'Unpin' : 'Pin';
  $('mute').setAttribute('aria-pressed', String(!!c.muted));
  $('mute').textContent = c.muted ? 'Unmute' : 'Mute';
  $('members').hidden = !!peer;
  $('block').hidden = !peer;
  $('block').textContent = blockedIds.has(peer) ? 'Unblock' : 'Block';
}

function bubbleContent(m) {
  if (m.recalled) return el('div', { class: 'text', text: m.userid === session.id ? 'You recalled a message' : 'This message was recalled' });
  const url = safeUrl(m.url);
  switch (m.media) {
    case 4: return url ? el('img', { class: 'media', src: url, alt: 'Image from ' + nameOf(m.userid), loading: 'lazy' }) : el('div', { class: 'text', text: '[image]' });
    case 3: return el('div', {}, url ? el('audio', { controls: true, src: url, preload: 'none', 'aria-label': 'Voice message' }) : null, el('span', { class: 'muted', text: ` ${m.amount || 0}s` }));
    case 100: return el('div', { class: 'file' }, el('span', { text: '📎', 'aria-hidden': 'true' }),
      url ? el('a', { href: url, download: m.content || 'file', text: m.content || 'file' }) : el('span', { text: m.content || 'file' }),
      el('span', { class: 'muted', text: size(m.amount || 0) }));
    default: return el('div', { class: 'text', text: m.content || '' });
  }
}

function renderMessages(toBottom) {
  if (!current) return;
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const list = [...(messages.get(current)?.values() || [])].sort((a, b) => a.seq - b.seq);
  const shownCids = new Set(list.map(m => m.cid).filter(Boolean));
  const read = peerRead.get(current) || 0;
  const nodes = list.map(m => {
    const mine = m.userid === session.id;
    const state = mine ? (current[0] === 'u' && m.seq <= read ? 'read' : 'stored') : null;
    const meta = el('div', { class: 'meta' }, el('time', { text: time(m.createat) }),
      state ? el('span', { class: 'state ' + state, 'data-state': state, text: state === 'read' ? '✓✓ read' : '✓ stored' }) : null);
    if (mine && !m.recalled && Date.now() - m.createat < RECALL_MS) {
      meta.prepend(el('button', { type: 'button', class: 'recall', text: 'Recall', onclick: () => conn.raw({ type: 'recall', cid: 'rc-' + crypto.randomUUID(), stream: m.stream, seq: m.seq }) }));
    }
    return el('li', { class: 'msg' + (mine ? ' mine' : '') + (m.recalled ? ' recalled' : ''), 'data-seq': m.seq },
      current[0] === 'r' && !mine ? el('div', { class: 'sender', text: nameOf(m.userid) }) : null, bubbleContent(m), meta);
  });
  for (const p of conn.pending.values()) {
    if (convFor(p) !== current || shownCids.has(p.cid)) continue;
    nodes.push(el('li', { class: 'msg mine' }, bubbleContent({ ...p, userid: session.id }),
      el('div', { class: 'meta' }, el('span', { class: 'state sending', 'data-state': 'sending', text: '🕓 sending' }))));
  }
  $('message-list').replaceChildren(...nodes);
  const page = more.get(current);
  $('older').hidden = !(page && page.more);
  if (toBottom || atBottom) box.scrollTop = box.scrollHeight;
}
const convFor = frame => (frame.cmd === 11 ? 'r' : 'u') + frame.dstid;

// ---- sending ----
function send(fields) {
  const c = current;
  const frame = { type: 'send', cid: 'c-' + crypto.randomUUID(), cmd: c[0] === 'r' ? 11 : 10, dstid: Number(c.slice(1)), media: 1, ...fields };
  conn.send(frame);
  renderMessages(true);
}

function sendText() {
  const text = $('text').value;
  if (!text.trim() || !current) return;
  send({ content: text });
  $('text').value = '';
  $('emoji-panel').hidden = true;
  $('emoji-toggle').setAttribute('aria-expanded', 'false');
}

async function uploadAndSend(blob, name, filetype, fields) {
  $('chat-error').textContent = 'Uploading…';
  try {
    const url = await upload(blob, name, filetype);
    $('chat-error').textContent = '';
    send({ ...fields, url });
  } catch (e) {
    $('chat-error').textContent = 'Upload failed: ' + e.message;
  }
}

let recorder = null;
async function toggleRecording() {
  if (recorder) { recorder.stop(); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const chunks = [];
    const started = Date.now();
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = e => chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach(t => t.stop());
      recorder = null;
      $('record').setAttribute('aria-pressed', 'false');
      $('record').textContent = 'Voice';
      $('record').setAttribute('aria-label', 'Record voice message');
      const seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
      uploadAndSend(new Blob(chunks, { type: 'audio/webm' }), 'voice.weba', '.weba', { media: 3, amount: seconds });
    };
    recorder.start();
    $('record').setAttribute('aria-pressed', 'true');
    $('record').textContent = 'Stop';
    $('record').setAttribute('aria-label', 'Stop recording and send');
  } catch (e) {
    $('chat-error').textContent = 'Cannot record: ' + e.message;
  }
}

// ---- contacts ----
let blockedIds = new Set();
async function loadContacts() {
  try {
    const [f, r, q, b] = await Promise.all([post('/contact/loadfriend'), post('/contact/loadcommunity'), post('/contact/requests'), post('/contact/blocked')]);
    friends = f; rooms = r;
    for (const p of [...f, ...b]) profiles.set(p.id, p);
    blockedIds = new Set(b.map(p => p.id));
    for (const c of convs.values()) if (!c.name || /^(User|Room) /.test(c.name)) fillName(c);
    renderContacts(q, b);
    renderList();
    if (current) renderHeader();
  } catch (e) {
    if (e instanceof ApiError && /log in/.test(e.message)) logout();
    else $('contacts-msg').textContent = e.message;
  }
}

function renderContacts(requests, blocked) {
  const incoming = requests.filter(q => q.direction === 'in');
  $('request-list').replaceChildren(...requests.map(q => el('li', { 'data-request': q.peer.id },
    el('span', { class: 'grow', text: `${q.direction === 'in' ? 'From' : 'To'} ${q.peer.nickname || 'user'} (id ${q.peer.id})${q.memo ? ': ' + q.memo : ''}` }),
    q.direction === 'in' ? el('button', { type: 'button', text: 'Accept', 'aria-label': `Accept ${q.peer.nickname || q.peer.id}`, onclick: () => contactAction('/contact/accept', { dstid: q.peer.id }, 'Friend added') }) : null,
    q.direction === 'in' ? el('button', { type: 'button', text: 'Reject', 'aria-label': `Reject ${q.peer.nickname || q.peer.id}`, onclick: () => contactAction('/contact/reject', { dstid: q.peer.id }, 'Request rejected') }) : el('span', { class: 'muted', text: 'pending' }))));
  if (requests.length === 0) $('request-list').append(el('li', { class: 'muted', text: 'None' }));
  $('tab-contacts').textContent = incoming.length ? `Contacts (${incoming.length})` : 'Contacts';
  $('friend-list').replaceChildren(...friends.map(p => el('li', {},
    el('span', { class: 'grow', text: `${p.nickname || 'user'} (id ${p.id})${online.has(p.id) ? ' · online' : ''}` }),
    el('button', { type: 'button', text: 'Chat', 'aria-label': `Chat with ${p.nickname || p.id}`, onclick: () => { showTab('chats'); openConv('u' + p.id); } }))));
  $('room-list').replaceChildren(...rooms.map(r => el('li', {},
    el('span', { class: 'grow', text: `${r.name} (id ${r.id})` }),
    el('button', { type: 'button', text: 'Open', 'aria-label': `Open room ${r.name}`, onclick: () => { showTab('chats'); openConv('r' + r.id); } }))));
  $('blocked-list').replaceChildren(...blocked.map(p => el('li', {},
    el('span', { class: 'grow', text: `${p.nickname || 'user'} (id ${p.id})` }),
    el('button', { type: 'button', text: 'Unblock', 'aria-label': `Unblock ${p.nickname || p.id}`, onclick: () => contactAction('/contact/unblock', { dstid: p.id }, 'Unblocked') }))));
}

async function contactAction(path, fields, done) {
  try {
    const result = await post(path, fields);
    $('contacts-msg').textContent = typeof done === 'function' ? done(result) : done;
  } catch (e) {
    $('contacts-msg').textContent = e.message;
  }
  await loadContacts();
}

function showTab(name) {
  for (const t of ['chats', 'contacts']) {
    $('tab-' + t).setAttribute('aria-selected', String(t === name));
    $('panel-' + t).hidden = t !== name;
  }
  if (name === 'contacts') loadContacts();
}

// ---- wiring ----
function wire() {
  $('login-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    try { await login(f.get('mobile'), f.get('passwd')); } catch (err) { $('auth-error').textContent = err.message; }
  });
  $('register-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await post('/user/register', { mobile: f.get('mobile'), passwd: f.get('passwd'), nickname: f.get('nickname') });
      await login(f.get('mobile'), f.get('passwd'));
    } catch (err) { $('auth-error').textContent = err.message; }
  });
  $('logout').addEventListener('click', logout);
  $('tab-chats').addEventListener('click', () => showTab('chats'));
  $('tab-contacts').addEventListener('click', () => showTab('contacts'));
  $('add-friend-form').addEventListener('submit', e => {
    e.preventDefault();
    contactAction('/contact/request', { dstid: e.target.dstid.value }, r => (r.status === 'accepted' ? 'You are now friends' : 'Request sent'));
    e.target.reset();
  });
  $('create-room-form').addEventListener('submit', e => {
    e.preventDefault();
    contactAction('/contact/createcommunity', { name: e.target.name.value }, r => `Room "${r.name}" created (id ${r.id})`);
    e.target.reset();
  });
  $('join-room-form').addEventListener('submit', e => {
    e.preventDefault();
    contactAction('/contact/joincommunity', { dstid: e.target.dstid.value }, r => `Joined "${r.name}"`);
    e.target.reset();
  });
  $('back').addEventListener('click', closeConv);
  $('pin').addEventListener('click', () => conn.raw({ type: 'flags', conv: current, pinned: !convs.get(current)?.pinned }));
  $('mute').addEventListener('click', () => conn.raw({ type: 'flags', conv: current, muted: !convs.get(current)?.muted }));
  $('block').addEventListener('click', () => {
    const peer = peerOf(current);
    contactAction(blockedIds.has(peer) ? '/contact/unblock' : '/contact/block', { dstid: peer }, blockedIds.has(peer) ? 'Unblocked' : 'Blocked');
  });
  $('members').addEventListener('click', async () => {
    const list = $('member-list');
    if (!list.hidden) { list.hidden = true; return; }
    try {
      const rows = await post('/contact/members', { dstid: current.slice(1) });
      for (const p of rows) profiles.set(p.id, p);
      list.replaceChildren(...rows.map(p => el('li', {}, el('span', { text: `${p.nickname || 'user'} (id ${p.id})` }))));
      list.hidden = false;
    } catch (e) { $('chat-error').textContent = e.message; }
  });
  $('older').addEventListener('click', () => requestHistory(current, false));
  $('messages').addEventListener('scroll', () => { if ($('messages').scrollTop === 0) requestHistory(current, false); });
  $('composer').addEventListener('submit', e => { e.preventDefault(); sendText(); });
  $('text').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendText(); }
  });
  $('text').addEventListener('input', () => {
    if (current && Date.now() - lastTypingSent > 2000) { lastTypingSent = Date.now(); conn.raw({ type: 'typing', conv: current }); }
  });
  $('emoji-panel').append(...EMOJI.map(e => el('button', { type: 'button', text: e, 'aria-label': 'Insert ' + e, onclick: () => insertEmoji(e) })));
  $('emoji-toggle').addEventListener('click', () => {
    const panel = $('emoji-panel');
    panel.hidden = !panel.hidden;
    $('emoji-toggle').setAttribute('aria-expanded', String(!panel.hidden));
  });
  $('image-input').addEventListener('change', e => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    if (pendingImage) URL.revokeObjectURL(pendingImage.url);
    pendingImage = { blob: file, url: URL.createObjectURL(file), name: file.name };
    $('preview-img').src = pendingImage.url;
    $('preview').hidden = false;
    $('preview-send').focus();
  });
  $('preview-send').addEventListener('click', () => {
    const image = pendingImage;
    clearPreview();
    if (image) uploadAndSend(image.blob, image.name, null, { media: 4 });
  });
  $('preview-cancel').addEventListener('click', clearPreview);
  $('file-input').addEventListener('change', e => {
    const file = e.target.files[0];
    e.target.value = '';
    if (file) uploadAndSend(file, file.name, null, { media: 100, content: file.name, amount: file.size, memo: 'file' });
  });
  $('record').addEventListener('click', toggleRecording);
  if (!window.MediaRecorder) $('record').hidden = true;
  document.addEventListener('visibilitychange', () => { if (current && document.visibilityState === 'visible') markRead(current); });
}

function insertEmoji(e) {
  const t = $('text');
  const at = t.selectionStart ?? t.value.length;
  t.value = t.value.slice(0, at) + e + t.value.slice(t.selectionEnd ?? at);
  t.focus();
  t.selectionStart = t.selectionEnd = at + e.length;
}

function clearPreview() {
  if (pendingImage) URL.revokeObjectURL(pendingImage.url);
  pendingImage = null;
  $('preview').hidden = true;
  $('preview-img').removeAttribute('src');
}

wire();
session = JSON.parse(localStorage.getItem(SESSION) || 'null');
if (session) start(); else $('auth').hidden = false;
