// One protocol-v2 socket (docs/PROTOCOL.md §3) that reconnects by itself. It keeps the stream cursors (inbox and
// rooms, saved in localStorage so a reload resumes), drops messages at or below a cursor (no duplicates), resends
// unacknowledged sends with their cid after every reconnect, and pings while idle.
const PING_MS = 20000;

export class Connection {
  constructor(user, token, handlers) {
    this.user = user;
    this.token = token;
    this.handlers = handlers; // onFrame(frame), onState(online), onSynced()
    this.key = 'akkachat.cursors.' + user;
    this.pendingKey = 'akkachat.pending.' + user;
    const saved = JSON.parse(localStorage.getItem(this.key) || 'null');
    this.cursors = saved || null; // null: first session on this browser
    this.pending = new Map(JSON.parse(localStorage.getItem(this.pendingKey) || '[]')); // cid -> send frame
    this.ws = null;
    this.synced = false;
    this.closed = false;
    this.attempt = 0;
    this.lastSent = 0;
  }

  start() { this.open(); this.pinger = setInterval(() => this.keepAlive(), 5000); }

  stop() {
    this.closed = true;
    clearInterval(this.pinger);
    clearTimeout(this.retry);
    if (this.ws) this.ws.close(1000);
  }

  open() {
    if (this.closed) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/chat?v=2&id=${this.user}&token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    this.synced = false;
    ws.onopen = () => {
      this.attempt = 0;
      if (this.cursors) this.sync();
      else this.raw({ type: 'conversations', limit: 100 }); // first session: start at the inbox head, see onFrame
    };
    ws.onmessage = e => this.onFrame(JSON.parse(e.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.synced = false;
      this.handlers.onState(false);
      if (this.closed) return;
      const delay = Math.min(5000, 300 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      this.retry = setTimeout(() => this.open(), delay);
    };
  }

  sync() { this.raw({ type: 'sync', inbox: this.cursors.inbox, rooms: this.cursors.rooms }); }

  onFrame(f) {
    if (!this.cursors && f.type === 'conversations') {
      // The newest 1:1 message is the inbox head; rooms not named start at their head.
      let inbox = 0;
      for (const item of f.items) if (item.last && item.last.stream === 'u' + this.user) inbox = Math.max(inbox, item.last.seq);
      this.cursors = { inbox, rooms: {} };
      this.save();
      this.sync();
      this.handlers.onFrame(f);
      return;
    }
    if (f.type === 'error' && !this.synced && (f.code === 'cursor-ahead' || f.code === 'bad-cursor')) {
      // Saved cursors the server does not know (its data was reset): start over as a first session.
      this.cursors = null;
      localStorage.removeItem(this.key);
      this.ws?.close();
      return;
    }
    if (f.type === 'msg') {
      if (!this.advance(f.stream, f.seq)) return; // at or below the cursor: already shown
    } else if (f.type === 'synced') {
      this.cursors.inbox = Math.max(this.cursors.inbox, f.inbox);
      for (const [room, seq] of Object.entries(f.rooms)) this.cursors.rooms[room] = Math.max(this.cursors.rooms[room] || 0, seq);
      this.save();
      this.synced = true;
      this.handlers.onState(true);
      for (const frame of this.pending.values()) this.raw(frame); // same cid: the server answers with the same ack
    } else if (f.type === 'ack') {
      this.pending.delete(f.cid);
      this.savePending();
    } else if (f.type === 'error' && f.cid && this.pending.has(f.cid) && f.code !== 'timeout' && f.code !== 'rate-limited') {
      this.pending.delete(f.cid); // refused for good: not resent
      this.savePending();
    }
    this.handlers.onFrame(f);
  }

  /** Moves a stream's cursor; false when the message was delivered before. */
  advance(stream, seq) {
    if (stream[0] === 'u') {
      if (seq <= this.cursors.inbox) return false;
      this.cursors.inbox = seq;
    } else {
      const room = stream.slice(1);
      if (room in this.cursors.rooms && seq <= this.cursors.rooms[room]) return false;
      this.cursors.rooms[room] = seq;
    }
    this.save();
    return true;
  }

  /** Sends a message frame; it is kept (and resent after reconnects) until acknowledged. */
  send(frame) {
    this.pending.set(frame.cid, frame);
    this.savePending();
    if (this.synced) this.raw(frame);
  }

  /** Sends a frame that is not worth resending (read, typing, history...); dropped while offline. */
  raw(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    this.lastSent = Date.now();
    return true;
  }

  keepAlive() { if (this.ws && Date.now() - this.lastSent > PING_MS) this.raw({ type: 'ping' }); }

  save() { localStorage.setItem(this.key, JSON.stringify(this.cursors)); }
  savePending() { localStorage.setItem(this.pendingKey, JSON.stringify([...this.pending])); }
}
