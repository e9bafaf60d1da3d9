// The built-in chat page: the same contract as the club's frontend (sessionStorage + polling).
import { renderMarkdown } from './markdown.js';

const POLL_MS = 2000;
const MAX_POLLS = 90;
const KEYS = ['session_id', 'last_agent', 'routine_number'];

const messages = document.getElementById('messages');
const composer = document.getElementById('composer');
const input = document.getElementById('message');
const send = document.getElementById('send');
const photo = document.getElementById('photo');

const stored = (key) => {
  const value = sessionStorage.getItem(key);
  return value === null ? null : JSON.parse(value);
};
const remember = (reply) => {
  for (const key of KEYS) if (key in reply) sessionStorage.setItem(key, JSON.stringify(reply[key]));
};

function show(kind, text) {
  const bubble = document.createElement('div');
  bubble.className = `msg ${kind}`;
  bubble.dataset.testid = `msg-${kind}`;
  if (kind === 'assistant' || kind === 'error') bubble.innerHTML = renderMarkdown(text);
  else bubble.textContent = text;
  messages.append(bubble);
  messages.scrollTop = messages.scrollHeight;
  return bubble;
}

function busy(on) {
  input.disabled = on;
  send.disabled = on;
  photo.disabled = on;
  document.body.dataset.busy = on ? 'true' : 'false';
}

/**
 * The reply's `response`, which every answer carries (errors included). A failure comes as 200
 * to a page, with `error` an object saying what happened (a photo's own reason is a string).
 */
async function answerOf(response) {
  const body = await response.json().catch(() => null);
  const text = body && typeof body.response === 'string' ? body.response : null;
  const failed = !response.ok || !body || (body.error !== null && typeof body.error === 'object');
  return { ok: !failed, body, text: text ?? 'Sorry, something went wrong. Please try again.' };
}

/** What the page says while an effect runs: names of steps only, never the family's data. */
const STEP_LABELS = {
  findTeam: 'Finding the team…',
  claimRegistration: 'Checking the registration…',
  takeOverRegistration: 'Checking the registration…',
  lookUpParentAddress: 'Checking the address…',
  lookUpChildAddress: 'Checking the address…',
  reserveShirtNumber: 'Checking the shirt number…',
  checkKit: 'Checking the kit…',
  findPrevious: 'Looking up last season…',
  loadHeld: 'Reading what the club holds…',
  saveRegistration: 'Saving the registration…',
  savePhoto: 'Saving the photo…',
  createPayment: 'Setting up the payment…',
  sendPaymentLink: 'Sending the payment link…',
  updateRecord: 'Updating the registration…',
  flagForClub: 'Passing this to the club…',
};

/** Reads a server-sent event stream, calling `onEvent(name, data)` for each event. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) onEvent(name, JSON.parse(data));
    }
  }
}

/** The turn streamed: progress in a note that the reply then replaces (JSON when refused early). */
async function streamedAnswer(response) {
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    return answerOf(response);
  }
  const note = show('progress', 'Thinking…');
  let answer = null;
  await readEvents(response, (name, data) => {
    if (name === 'effect.started') note.textContent = STEP_LABELS[data.effect] ?? 'Working on it…';
    if (name === 'reply') answer = { ok: true, body: data, text: data.response };
    if (name === 'error') answer = { ok: false, body: data, text: data.response };
  });
  note.remove();
  return (
    answer ?? { ok: false, body: null, text: 'Sorry, something went wrong. Please try again.' }
  );
}

async function sendMessage(text) {
  show('parent', text);
  busy(true);
  try {
    const response = await fetch('/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify({
        user_message: text,
        ...Object.fromEntries(KEYS.map((key) => [key, stored(key)])),
      }),
    });
    const answer = await streamedAnswer(response);
    if (answer.ok) remember(answer.body);
    show(answer.ok ? 'assistant' : 'error', answer.text);
  } catch {
    show(
      'error',
      "Sorry, I couldn't reach the server. Please check your connection and try again.",
    );
  } finally {
    busy(false);
    input.focus();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function pollUpload(sessionId) {
  for (let poll = 0; poll < MAX_POLLS; poll += 1) {
    await sleep(POLL_MS);
    const response = await fetch(`/upload-status/${encodeURIComponent(sessionId)}`);
    const answer = await answerOf(response);
    if (!answer.ok) return show('error', answer.text);
    if (answer.body.complete) {
      if (!answer.body.error) remember(answer.body);
      return show(answer.body.error ? 'error' : 'assistant', answer.text);
    }
  }
  show('error', 'That is taking longer than expected. Please try uploading the photo again.');
}

async function uploadPhoto(file) {
  const sessionId = stored('session_id');
  if (!sessionId)
    return show('assistant', 'Please send your registration code first, then the photo.');
  show('parent', `📎 ${file.name}`);
  busy(true);
  try {
    const form = new FormData();
    form.append('file', file);
    form.append('session_id', sessionId);
    for (const key of ['last_agent', 'routine_number']) form.append(key, String(stored(key) ?? ''));
    const answer = await answerOf(await fetch('/upload-async', { method: 'POST', body: form }));
    show(answer.ok ? 'notice' : 'error', answer.text);
    if (answer.ok) await pollUpload(sessionId);
  } catch {
    show('error', "Sorry, I couldn't upload that photo. Please try again.");
  } finally {
    busy(false);
    photo.value = '';
  }
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void sendMessage(text);
});
photo.addEventListener('change', () => {
  if (photo.files && photo.files[0]) void uploadPhoto(photo.files[0]);
});
document.getElementById('new-chat').addEventListener('click', () => {
  for (const key of KEYS) sessionStorage.removeItem(key);
  messages.replaceChildren();
  greet();
});

function greet() {
  show(
    'assistant',
    'Hello! Send me the registration code from your team manager to start, or ask me a question about the club.',
  );
}

/** After a reload: the chat so far, from the server (the session id is its secret). */
async function restore() {
  const sessionId = stored('session_id');
  if (!sessionId) return;
  busy(true);
  try {
    const response = await fetch('/conversation', {
      headers: { Authorization: `Bearer ${sessionId}` },
    });
    if (response.status === 404) {
      // The chat expired or was erased: start afresh.
      for (const key of KEYS) sessionStorage.removeItem(key);
      return;
    }
    const answer = await answerOf(response);
    if (!answer.ok || !Array.isArray(answer.body.messages)) return;
    for (const message of answer.body.messages) {
      show(message.from === 'parent' ? 'parent' : 'assistant', String(message.text));
    }
    remember(answer.body);
  } catch {
    // Offline: the chat carries on from the next message.
  } finally {
    busy(false);
  }
}

greet();
void restore();
