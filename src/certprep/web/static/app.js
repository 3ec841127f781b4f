// certprep: small progressive enhancements. Every page works without this file.
"use strict";

function initTimer() {
  const box = document.querySelector(".timer");
  if (!box) return;
  const clock = box.querySelector(".clock");
  const end = Date.now() + Number(box.dataset.remaining) * 1000;
  const toggle = box.querySelector(".toggle-timer");
  // Hidden stays hidden from page to page (the real exam's toggle does too); the clock still runs.
  const show = (hidden) => {
    clock.classList.toggle("hidden", hidden);
    toggle.textContent = hidden ? "Show timer" : "Hide timer";
    toggle.setAttribute("aria-pressed", String(hidden));
  };
  const stored = () => { try { return localStorage.getItem("certprep.timerHidden") === "1"; } catch { return false; } };
  show(stored());
  toggle.addEventListener("click", () => {
    const hidden = !clock.classList.contains("hidden");
    show(hidden);
    try { localStorage.setItem("certprep.timerHidden", hidden ? "1" : "0"); } catch { /* private mode: this page only */ }
  });
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    clock.textContent = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
    if (left === 0) { window.location.href = box.dataset.expireUrl; return; }  // the server finalises
    setTimeout(tick, 1000);
  };
  tick();
}

function initTabs() {
  document.querySelectorAll(".tabs").forEach((list) => {
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const show = (tab) => {
      tabs.forEach((t) => {
        const on = t === tab;
        t.setAttribute("aria-selected", String(on));
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
    };
    tabs.forEach((t, i) => {
      t.addEventListener("click", () => show(t));
      t.addEventListener("keydown", (e) => {
        const next = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (next) { const n = tabs[(i + next + tabs.length) % tabs.length]; n.focus(); show(n); }
      });
    });
    show(tabs[0]);
  });
}

// Drag and drop for matching and build list, with a keyboard way: select a chip, then Place.
function initDnd() {
  document.querySelectorAll(".dnd").forEach((box) => {
    let selected = null;
    const chips = [...box.querySelectorAll(".chip")];
    const place = (target, value) => {
      const select = target.querySelector("select");
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      target.classList.add("placed");
    };
    const choose = (chip) => {
      chips.forEach((c) => c.setAttribute("aria-pressed", String(c === chip && selected !== chip)));
      selected = selected === chip ? null : chip;
      box.querySelectorAll(".place").forEach((b) => { b.hidden = !selected; });
    };
    chips.forEach((chip) => {
      chip.addEventListener("click", () => choose(chip));
      chip.addEventListener("dragstart", (e) => e.dataTransfer.setData("text/plain", chip.dataset.value));
    });
    box.querySelectorAll(".target").forEach((target) => {
      target.addEventListener("dragover", (e) => e.preventDefault());
      target.addEventListener("drop", (e) => { e.preventDefault(); place(target, e.dataTransfer.getData("text/plain")); });
      target.querySelector(".place").addEventListener("click", () => {
        if (!selected) return;
        place(target, selected.dataset.value);
        choose(selected);  // unselect after placing
      });
    });
  });
}

// Flag without leaving the page, so a choice made but not yet saved stays as it is.
function initFlag() {
  document.querySelectorAll("button.flag").forEach((button) => {
    button.addEventListener("click", async (e) => {
      e.preventDefault();
      const body = new URLSearchParams();
      button.form.querySelectorAll("input[type=hidden]").forEach((i) => body.append(i.name, i.value));
      body.append("flagged", button.value);
      const r = await fetch(button.formAction, { method: "POST", body, credentials: "same-origin" });
      if (!r.ok) { button.form.requestSubmit(button); return; }  // let the server explain
      const flagged = button.value === "1";
      button.value = flagged ? "0" : "1";
      button.setAttribute("aria-pressed", String(flagged));
      button.textContent = flagged ? "⚑ Flagged for review" : "Flag for review";
    });
  });
}

// Strike options through without leaving the page (the choice on screen stays as it is): the
// S̶ button (touch), a right-click on the option, or X on its focused box. The server keeps it.
// Only with JavaScript: the buttons stay hidden without it.
function initStrike() {
  document.querySelectorAll(".strike-hint").forEach((hint) => { hint.hidden = false; });
  document.querySelectorAll(".choice-row").forEach((row) => {
    const button = row.querySelector("button.strike");
    const label = row.querySelector(".choice");
    button.hidden = false;
    let busy = false;  // one request at a time, so quick double taps cannot cross
    const toggle = async () => {
      if (busy) return;
      busy = true;
      const body = new URLSearchParams();
      button.form.querySelectorAll("input[type=hidden]").forEach((i) => body.append(i.name, i.value));
      body.append(button.name, button.value);
      const r = await fetch(button.dataset.action, { method: "POST", body, credentials: "same-origin" }).finally(() => { busy = false; });
      if (!r.ok) { window.location.reload(); return; }  // the attempt moved on (finished, timed out): show where it is
      const struck = button.name === "strike";
      button.name = struck ? "restore" : "strike";
      button.setAttribute("aria-pressed", String(struck));
      label.classList.toggle("struck", struck);
    };
    button.addEventListener("click", (e) => { e.preventDefault(); toggle(); });
    label.addEventListener("contextmenu", (e) => { e.preventDefault(); toggle(); });
    label.querySelector("input").addEventListener("keydown", (e) => {
      if ((e.key === "x" || e.key === "X") && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); toggle(); }
    });
  });
}

function initCharts() {
  const data = document.getElementById("chart-data");
  if (!data || !window.Chart) return;
  const rows = JSON.parse(data.textContent);
  const labels = rows.map((r) => `#${r.id} ${r.exam} ${r.mode}`);
  new window.Chart(document.getElementById("score-chart"), {
    type: "line",
    data: { labels, datasets: [{ label: "Scaled score", data: rows.map((r) => r.score) },
                               { label: "Pass mark", data: rows.map(() => 700), borderDash: [6, 4], pointRadius: 0 }] },
    options: { scales: { y: { min: 0, max: 1000 } } },
  });
  const domains = [...new Set(rows.flatMap((r) => Object.keys(r.domains)))].sort();
  new window.Chart(document.getElementById("domain-chart"), {
    type: "line",
    data: { labels, datasets: domains.map((d) => ({ label: d, data: rows.map((r) => r.domains[d] ?? null), spanGaps: true })) },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
}

document.addEventListener("DOMContentLoaded", () => { initTimer(); initTabs(); initDnd(); initFlag(); initStrike(); initCharts(); });
