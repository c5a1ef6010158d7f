// The side panel: loads the model once (the package streams it to the GPU), then chats. Model
// output is only ever inserted as text (textContent), never as HTML.
import { createEngine } from "./webslm/index.js";

const DEFAULT_MODEL = "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/resolve/main/smollm2-135m-instruct-q8_0.gguf";
const status = document.querySelector("#status");
const log = document.querySelector("#log");
const messages = [];

function bubble(role, text = "") {
  const div = document.createElement("div");
  div.className = `msg ${role}`;
  div.textContent = text;
  log.append(div);
  return div;
}

const { model = DEFAULT_MODEL } = await chrome.storage.local.get("model");
let engine;
try {
  engine = await createEngine({ model, onProgress: (p) => (status.textContent = `${p.phase} ${(p.loaded / 1e6).toFixed(0)} / ${((p.total ?? 0) / 1e6).toFixed(0)} MB`) });
  status.textContent = "ready";
  document.body.dataset.ready = "true";
} catch (e) {
  status.textContent = `${e.name}: ${e.message}`;
  document.body.dataset.error = e.name;
}

async function ask(text) {
  messages.push({ role: "user", content: text });
  bubble("user", text);
  const out = bubble("assistant");
  let reply = "";
  try {
    for await (const chunk of await engine.chat.completions.create({ messages, stream: true, temperature: 0, max_tokens: 256 })) {
      reply += chunk.choices[0].delta.content ?? "";
      out.textContent = reply;
    }
    messages.push({ role: "assistant", content: reply });
  } catch (e) {
    out.textContent = `${e.name}: ${e.message}`;
  }
  out.dataset.done = "true";
}

document.querySelector("#ask").onsubmit = (e) => {
  e.preventDefault();
  const q = document.querySelector("#q");
  if (engine && q.value.trim()) ask(q.value.trim());
  q.value = "";
};

// A context-menu request from background.js (same extension only: chrome.storage is ours).
async function takePending() {
  const { pending } = await chrome.storage.session.get("pending");
  if (!pending || !engine) return;
  await chrome.storage.session.remove("pending");
  const verb = pending.action === "summarize" ? "Summarize" : "Explain";
  ask(`${verb} this text:\n\n${pending.text}`);
}
chrome.storage.session.onChanged.addListener(takePending);
takePending();
