// precheck's page: renders what the local server says; no sentence of its own (see /api/texts).
"use strict";

let T = {};
let state = null;
let screen = "";
let polling = null;
let gone = false;
// this page's own id: a late heartbeat from a closed page must not cancel its goodbye
const PAGE = Math.random().toString(36).slice(2) + Date.now().toString(36);

const $ = (id) => document.getElementById(id);

async function call(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    lost();
    throw error;
  }
  if (!response.ok) {
    lost();
    throw new Error(String(response.status));
  }
  return response.json();
}

function lost() {
  if (gone) return;
  gone = true;
  clearInterval(polling);
  $("gone-h").textContent = T["app.error"] || "precheck";
  show("gone");
}

function fill(text) {
  return String(text || "").replaceAll("{office}", state ? state.office : "");
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  document.title = T["app.title"];
  $("brand").textContent = T["app.title"];
  $("lang").textContent = T["app.lang-switch"];
  $("lang").setAttribute("lang", state.lang === "ja" ? "en" : "ja");
  for (const node of document.querySelectorAll("[data-t]")) {
    node.textContent = fill(T[node.dataset.t]);
  }
  $("preview-img").alt = T["app.preview.alt"];
  $("phone-qr").alt = T["app.book.phone-alt"];
}

function show(name) {
  for (const section of document.querySelectorAll("main > section")) {
    section.hidden = section.id !== "screen-" + name;
  }
  $("loading").hidden = true;
  if (screen !== name) {
    screen = name;
    const heading = document.querySelector("#screen-" + name + " h1");
    if (heading) heading.focus();
  }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function renderStart() {
  const list = $("start-list");
  list.replaceChildren(...state.items.map((item) => el("li", {}, item.title)));
  show("start");
}

function renderChecks() {
  const running = state.phase === "running";
  $("checks-h").textContent = running ? T["app.running.heading"] : T["app.result.heading"];
  // set only when it changes: a live region re-announces every write to a screen reader
  const progress = T["app.running.progress"]
    .replace("{done}", state.done).replace("{total}", state.total);
  if ($("progress").textContent !== progress) $("progress").textContent = progress;
  const overall = $("overall");
  overall.hidden = !state.overall;
  if (state.overall) {
    overall.className = "overall " + state.overall.code;
    overall.textContent = state.overall.text;
  }
  $("items").replaceChildren(...state.items.map((item) => renderItem(item, running)));
  $("items").dataset.runs = String(state.runs);
  $("actions").hidden = running;
  $("preview").hidden = !state.preview;
  if (state.preview) startPreview();
  $("checks-contact").textContent = state.contact;
  const report = state.report;
  $("report").hidden = !report;
  if (report) {
    $("report-lines").textContent = report.lines.join("\n");
    $("open-report").hidden = !report.ok;
  }
  show("checks");
}

// The camera preview: one frame a second from /api/preview, only while it is shown. Frames live
// in the <img> alone (the server sends them with no-store and keeps none).
let previewTimer = null;

function startPreview() {
  if (previewTimer) return;
  const img = $("preview-img");
  const next = () => {
    if ($("preview").hidden || screen !== "checks") {
      clearInterval(previewTimer);
      previewTimer = null;
      return;
    }
    img.src = "/api/preview?frame=" + Date.now();
  };
  img.addEventListener("error", () => { $("preview").hidden = true; });
  next();
  previewTimer = setInterval(next, 1000);
}

function renderItem(item, running) {
  if (item.state !== "done") {
    const label = item.state === "running" ? T["app.running.running"] : T["app.running.waiting"];
    return el("li", { class: "item " + item.state },
      el("h3", {}, el("span", { class: "state" }, label), " ", item.title));
  }
  const head = el("h3", {},
    el("span", { class: "symbol", ariaHidden: "true" }, item.symbol),
    el("span", { class: "state" }, item.label), "：", item.title);
  const node = el("li", { class: "item status-" + item.status }, head,
    el("p", { class: "kind" }, item.required ? T["app.result.required"] : T["app.result.advisory"]),
    el("p", {}, item.summary));
  if (item.remediation) {
    node.append(el("h4", {}, T["fix"]), el("p", { class: "steps" }, item.remediation));
  }
  const buttons = el("div", { class: "item-actions" });
  if (item.settings) {
    const open = el("button", { type: "button", class: "secondary", "data-settings": item.id },
      T["app.result.settings"]);
    open.setAttribute("aria-label", T["app.result.settings"] + "：" + item.title);
    buttons.append(open);
  }
  if (item.status !== "PASS" && item.status !== "SKIPPED") {
    const again = el("button", { type: "button", class: "secondary", "data-again": item.id },
      T["app.result.again-one"]);
    again.setAttribute("aria-label", T["app.result.again-one"] + "：" + item.title);
    again.disabled = running;
    buttons.append(again);
  }
  if (buttons.childElementCount) node.append(buttons);
  return node;
}

function render() {
  if (gone || screen === "book" || screen === "booked") return;
  if (state.phase === "start") renderStart();
  else renderChecks();
  if (state.phase === "running") startPolling();
  else stopPolling();
}

async function refresh() {
  state = await call("/api/state");
  render();
}

function startPolling() {
  if (!polling) polling = setInterval(() => refresh().catch(() => {}), 500);
}

function stopPolling() {
  clearInterval(polling);
  polling = null;
}

async function loadTexts() {
  T = await call("/api/texts");
}

async function run(only) {
  await call("/api/run", only ? { only } : {});
  await refresh();
}

// -- booking ------------------------------------------------------------------------------

const FIELDS = ["name", "job_seeker_number", "email", "phone", "slot1", "slot2", "topic",
  "interpreter"];

function formFields() {
  const fields = {};
  for (const name of FIELDS) fields[name] = $("f-" + name).value;
  fields.private_room = $("f-private_room").checked;
  return fields;
}

async function openBooking() {
  const data = await call("/api/booking");
  for (const name of FIELDS) {
    if (!$("f-" + name).value) $("f-" + name).value = data.values[name] || "";
  }
  if (data.values.private_room) $("f-private_room").checked = true;
  $("suggestions").replaceChildren(...data.suggestions.map((slot) => {
    const button = el("button", { type: "button", class: "secondary", "data-slot": slot.value },
      slot.text);
    return el("li", {}, button);
  }));
  $("consent-lines").textContent = data.consent.join("\n");
  $("book-intro").textContent = data.intro;
  $("book-contact").textContent = data.contact;
  $("book-contact").hidden = false;
  // a phone or tablet user checks that device on the office's own page, opened by this QR code
  $("book-phone").hidden = !data.phone_url;
  if (data.phone_url) {
    $("phone-qr").src = "/phone-qr.svg";
    $("phone-link").href = data.phone_url;
    $("phone-link").textContent = data.phone_url;
  }
  showErrors([]);
  $("book-ok").textContent = "";
  $("book-working").textContent = "";
  show("book");
}

function showErrors(errors) {
  const box = $("book-errors");
  for (const name of [...FIELDS, "slots", "private_room"]) {
    const message = $("e-" + name);
    if (message) message.textContent = "";
    const input = $("f-" + name);
    if (input) input.removeAttribute("aria-invalid");
  }
  if (!errors.length) {
    box.hidden = true;
    box.replaceChildren();
    return false;
  }
  const refused = errors.some((e) => e.severity === "refused");
  const list = el("ul", {}, ...errors.map((e) => el("li", {},
    (e.severity === "refused" ? "✗ " : "⚠ ") + "[" + e.label + "] " + e.message)));
  box.replaceChildren(el("p", {}, refused ? T["booking.cli.errors"] : T["booking.cli.warnings"]),
    list);
  box.hidden = false;
  for (const e of errors) {
    const target = $("e-" + e.field);
    if (target) target.textContent = (target.textContent ? target.textContent + " " : "") + e.message;
    const input = e.field === "slots" ? $("f-slot1") : $("f-" + e.field);
    if (input && e.severity === "refused") input.setAttribute("aria-invalid", "true");
  }
  return refused;
}

async function checkBooking() {
  const answer = await call("/api/booking/check", { fields: formFields() });
  const refused = showErrors(answer.errors);
  $("book-ok").textContent = answer.ok ? T["app.book.ok"] : "";
  if (refused) $("book-errors").focus();
  return answer.ok;
}

async function sendBooking(event) {
  event.preventDefault();
  $("book-send").disabled = true;
  $("book-working").textContent = T["app.book.working"];
  let answer;
  try {
    answer = await call("/api/booking/send",
      { fields: formFields(), consent: $("f-consent").checked });
  } finally {
    $("book-send").disabled = false;
    $("book-working").textContent = "";
  }
  const refused = showErrors(answer.errors);
  if (refused) {
    $("book-errors").focus();
    return;
  }
  if (!answer.ok && answer.lines.length === 0) return;
  $("booked-h").textContent = answer.ok ? T["app.book.done-heading"] : T["app.book.failed-heading"];
  $("booked-lines").replaceChildren(...answer.lines.map((line) => el("li", {}, line)));
  $("booked-contact").textContent = state.contact;
  show("booked");
}

// -- events -------------------------------------------------------------------------------

function wire() {
  $("lang").addEventListener("click", async () => {
    await call("/api/lang", { lang: state.lang === "ja" ? "en" : "ja" });
    await loadTexts();
    state = await call("/api/state");
    applyTexts();
    const current = screen;
    screen = "";
    if (current === "book") await openBooking();
    else if (current === "booked" || current === "gone") show(current);
    else render();
  });
  $("start").addEventListener("click", () => run());
  $("again-all").addEventListener("click", () => run());
  $("items").addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.again) await run(button.dataset.again);
    if (button.dataset.settings) {
      const answer = await call("/api/settings", { check: button.dataset.settings });
      if (!answer.ok) button.after(el("p", { class: "error" }, T["app.result.settings-failed"]));
    }
  });
  $("save").addEventListener("click", async () => {
    await call("/api/report", {});
    await refresh();
    $("report").focus();
  });
  $("open-report").addEventListener("click", () => call("/api/report/open", {}));
  $("book").addEventListener("click", openBooking);
  $("suggestions").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const target = $("f-slot1").value ? $("f-slot2") : $("f-slot1");
    target.value = button.dataset.slot;
    target.focus();
  });
  $("book-check").addEventListener("click", checkBooking);
  $("book-form").addEventListener("submit", sendBooking);
  for (const id of ["book-back", "booked-back"]) {
    $(id).addEventListener("click", async () => {
      screen = "";
      state = await call("/api/state");
      render();
    });
  }
  // Alive while the page is open; the server stops when the beats end or the page says bye.
  setInterval(() => call("/api/beat", { page: PAGE }).catch(() => {}), 20000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") call("/api/beat", { page: PAGE }).catch(() => {});
  });
  window.addEventListener("pagehide", () => {
    fetch("/api/bye", { method: "POST", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ page: PAGE }) });
  });
}

async function main() {
  wire();
  await call("/api/beat", { page: PAGE });
  await loadTexts();
  state = await call("/api/state");
  applyTexts();
  render();
}

main().catch(() => lost());
