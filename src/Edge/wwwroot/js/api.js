// The HTTP API (docs/PROTOCOL.md §1): form posts answered with {code, msg, data|rows}.
export class ApiError extends Error {}

let token = '';
export function setToken(value) { token = value || ''; }

/** Posts fields (an object or FormData) and returns data (or rows); throws ApiError with the server's reason. */
export async function post(path, fields = {}) {
  const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const response = await fetch(path, { method: 'POST', body, headers, credentials: 'same-origin' });
  if (response.status === 404) throw new ApiError('not-found');
  if (!response.ok) throw new ApiError(`${path} answered HTTP ${response.status}`);
  const reply = await response.json();
  if (reply.code !== 0) throw new ApiError(reply.msg || 'refused');
  return reply.rows !== undefined ? reply.rows : reply.data;
}

/** Uploads a file to /attach/upload and returns its /mnt/ URL. */
export async function upload(blob, name, filetype) {
  const form = new FormData();
  form.append('file', blob, name);
  if (filetype) form.append('filetype', filetype);
  return post('/attach/upload', form);
}
