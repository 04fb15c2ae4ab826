// The phone self-check page: measures in the browser, sends only figures, shows the office's
// signed verdicts. No image or sound leaves the phone; nothing is sent before "Record".
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const state = { camera: null, microphone: null, network: null };
  const $ = (id) => document.getElementById(id);
  const text = (key) => config.text[key];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function mediaError(err) {
    const name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError") return "permission-denied";
    if (name === "NotFoundError" || name === "OverconstrainedError") return "no-device";
    if (name === "NotReadableError" || name === "AbortError") return "in-use";
    return "failed";
  }

  // -- camera: mean luma (0.21R + 0.72G + 0.07B) and SSIM between frames, as the PC check --
  const W = 64, H = 48;
  function lumaOf(video, ctx) {
    ctx.drawImage(video, 0, 0, W, H);
    const px = ctx.getImageData(0, 0, W, H).data;
    const out = new Float32Array(W * H);
    for (let i = 0, j = 0; i < px.length; i += 4, j++) {
      out[j] = 0.21 * px[i] + 0.72 * px[i + 1] + 0.07 * px[i + 2];
    }
    return out;
  }
  function mean(a) { let s = 0; for (const v of a) s += v; return s / a.length; }
  function ssim(a, b) {
    const ma = mean(a), mb = mean(b);
    let va = 0, vb = 0, cov = 0;
    for (let i = 0; i < a.length; i++) {
      const da = a[i] - ma, db = b[i] - mb;
      va += da * da; vb += db * db; cov += da * db;
    }
    va /= a.length - 1; vb /= a.length - 1; cov /= a.length - 1;
    const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2;
    return ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
  }
  function nextFrame(video) {
    return new Promise((resolve) => {
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => resolve());
      else requestAnimationFrame(() => resolve());
    });
  }

  async function checkCamera() {
    const th = config.camera;
    $("camera-state").textContent = text("running");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    } catch (err) {
      state.camera = { error: mediaError(err) };
      $("camera-state").textContent = text("done");
      return;
    }
    const video = $("preview");
    video.hidden = false;
    video.srcObject = stream;
    try { await video.play(); } catch (err) { /* autoplay of a muted stream is allowed */ }
    const canvas = document.createElement("canvas");
    canvas.width = W; canvas.height = H;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const warmEnd = performance.now() + th.warmup_seconds * 1000;
    while (performance.now() < warmEnd) await nextFrame(video);
    let frames = 0, black = 0, frozen = 0, lumaSum = 0, prev = null;
    const start = performance.now(), end = start + th.analyse_seconds * 1000;
    while (performance.now() < end) {
      await nextFrame(video);
      const luma = lumaOf(video, ctx);
      const m = mean(luma);
      frames++; lumaSum += m;
      if (m < th.black_luma_threshold) black++;
      if (prev && ssim(prev, luma) > th.frozen_ssim_threshold) frozen++;
      prev = luma;
    }
    const seconds = (performance.now() - start) / 1000;
    state.camera = {
      frames: frames,
      fps: frames / seconds,
      width: video.videoWidth,
      height: video.videoHeight,
      black_ratio: frames ? black / frames : 0,
      frozen_ratio: frames > 1 ? frozen / (frames - 1) : 0,
      mean_luma: frames ? lumaSum / frames : 0,
    };
    stream.getTracks().forEach((track) => track.stop());
    $("camera-state").textContent = text("done");
  }

  // -- microphone: level, silence and clipping over a few seconds ---------------------------
  async function checkMicrophone() {
    const th = config.microphone;
    $("mic-state").textContent = text("running");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (err) {
      state.microphone = { error: mediaError(err) };
      $("mic-state").textContent = text("done");
      return;
    }
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    await audio.resume();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 2048;
    audio.createMediaStreamSource(stream).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    const clip = Math.pow(10, th.clip_dbfs / 20);
    let squares = 0, count = 0, peak = 0, runs = 0;
    const start = performance.now();
    while (performance.now() - start < th.record_seconds * 1000) {
      await sleep(40);
      analyser.getFloatTimeDomainData(buf);
      let run = 0;
      for (const v of buf) {
        const a = Math.abs(v);
        squares += v * v; count++;
        if (a > peak) peak = a;
        run = a >= clip ? run + 1 : 0;
        if (run === th.clip_run_samples) runs++;
      }
    }
    stream.getTracks().forEach((track) => track.stop());
    await audio.close();
    const db = (x) => (x > 0 ? Math.max(-200, 20 * Math.log10(x)) : -200);
    state.microphone = {
      rms_dbfs: db(Math.sqrt(squares / Math.max(1, count))),
      peak_dbfs: Math.min(0, db(peak)),
      clipped_runs: runs,
      seconds: (performance.now() - start) / 1000,
    };
    $("mic-state").textContent = text("done");
  }

  // -- network: round trips, jitter, loss, then a bounded download and upload -----------------
  async function timed(url, options, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const t0 = performance.now();
    try {
      const response = await fetch(url, { cache: "no-store", signal: controller.signal, ...options });
      const body = await response.arrayBuffer();
      if (!response.ok) return null;
      return { ms: performance.now() - t0, bytes: body.byteLength };
    } catch (err) {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function checkNetwork() {
    const s = encodeURIComponent(config.session);
    $("net-state").textContent = text("running");
    const rtts = [];
    let failed = 0;
    for (let i = 0; i < config.network.rtt_samples; i++) {
      const r = await timed(`/check/ping?s=${s}&i=${i}`, {}, 2000);
      if (r) rtts.push(r.ms); else failed++;
    }
    if (!rtts.length) {
      state.network = { error: "unreachable" };
      $("net-state").textContent = text("done");
      return;
    }
    const sorted = [...rtts].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    let jitter = 0;
    for (let i = 1; i < rtts.length; i++) jitter += Math.abs(rtts[i] - rtts[i - 1]);
    jitter = rtts.length > 1 ? jitter / (rtts.length - 1) : 0;
    const down = await timed(`/check/payload?s=${s}&bytes=${config.download_bytes}`, {}, 20000);
    const body = new Uint8Array(config.upload_bytes);
    for (let i = 0; i < body.length; i += 65536) crypto.getRandomValues(body.subarray(i, i + 65536));
    const up = await timed(`/check/upload?s=${s}`, { method: "POST", body: body }, 20000);
    const mbps = (bytes, ms) => (ms > 0 ? (bytes * 8) / (ms / 1000) / 1e6 : 0);
    state.network = {
      rtt_ms: median,
      jitter_ms: jitter,
      loss_percent: (failed / config.network.rtt_samples) * 100,
      download_mbps: down ? mbps(down.bytes, down.ms) : 0,
      upload_mbps: up ? mbps(config.upload_bytes, up.ms) : 0,
      samples: rtts.length,
      bytes: (down ? down.bytes : 0) + (up ? config.upload_bytes : 0),
    };
    $("net-state").textContent = text("done");
  }

  // -- the record ------------------------------------------------------------------------
  async function hints() {
    const out = {};
    const data = navigator.userAgentData;
    if (!data) return out;
    out["sec-ch-ua-platform"] = data.platform || "";
    out["sec-ch-ua-mobile"] = data.mobile ? "?1" : "?0";
    try {
      const high = await data.getHighEntropyValues(["platformVersion", "model"]);
      if (high.platformVersion) out["sec-ch-ua-platform-version"] = high.platformVersion;
      if (high.model) out["sec-ch-ua-model"] = high.model;
    } catch (err) { /* refused: the low-entropy hints stay */ }
    return out;
  }

  function answer(name) {
    const picked = document.querySelector(`input[name="${name}"]:checked`);
    return picked ? picked.value : "unknown";
  }

  async function record() {
    $("record-state").textContent = text("running");
    const payload = {
      session: config.session,
      hints: await hints(),
      touch_mac: /Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1,
      camera: state.camera,
      microphone: state.microphone,
      network: state.network,
      declared: { antivirus: answer("antivirus"), file_sharing: answer("file_sharing"), wifi: answer("wifi") },
    };
    const number = $("number").value.trim();
    if (number) payload.job_seeker_number = number;
    let answerJson;
    try {
      const response = await fetch("/check/record", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw new Error(String(response.status));
      answerJson = await response.json();
    } catch (err) {
      $("record-state").textContent = text("record.failed");
      return;
    }
    const list = $("results");
    list.textContent = "";
    const marks = { PASS: "✓", WARN: "⚠", FAIL: "✗", UNKNOWN: "?", SKIPPED: "-" };
    for (const line of answerJson.lines) {
      const item = document.createElement("li");
      item.className = line.status;
      item.dataset.id = line.id;
      item.dataset.status = line.status;
      item.textContent = `${marks[line.status] || ""} ${line.label[config.lang]}: ${line.text[config.lang]}`;
      list.appendChild(item);
    }
    const blob = new Blob([JSON.stringify(answerJson.record, null, 1)], { type: "application/json" });
    const link = $("download");
    link.href = URL.createObjectURL(blob);
    link.hidden = false;
    $("record-state").textContent = text("record.saved");
  }

  function busy(button, work) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try { await work(); } finally { button.disabled = false; }
    });
  }
  busy($("camera-button"), checkCamera);
  busy($("mic-button"), checkMicrophone);
  busy($("net-button"), checkNetwork);
  busy($("record-button"), record);
})();
