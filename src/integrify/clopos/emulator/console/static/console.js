// The emulator console: submit forms in place, keep the panels fresh, stream the request log (no dependencies).
"use strict";
(() => {
  const base = "/_emulator/console";
  const main = document.getElementById("main");
  const panels = document.getElementById("panels");
  const flash = document.getElementById("flash");
  let busy = false;
  let pending = null;

  const say = (text, error) => {
    flash.textContent = text;
    flash.classList.toggle("error", Boolean(error));
  };

  // Someone typing or choosing in a panel's form: a refresh would throw their input away.
  const editing = () => {
    const el = document.activeElement;
    return el && panels.contains(el) && ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName);
  };

  async function refresh(fallback) {
    const response = await fetch(`${base}/panels?brand=${encodeURIComponent(main.dataset.brand)}`);
    if (!response.ok) return;
    const html = await response.text();
    const active = document.activeElement;
    const focused = active && panels.contains(active) ? active.id : null;
    panels.innerHTML = html;
    const again = (focused && document.getElementById(focused)) || (fallback && document.getElementById(fallback));
    if (again) again.focus();
  }

  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      if (!busy && !editing() && !document.hidden) refresh().catch(() => {});
    }, 400);
  };

  panels.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const form = event.target;
    const heading = form.closest("section") && `${form.closest("section").id}-h`;
    busy = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form, event.submitter)),
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      say(answer.message, !answer.ok);
      if (answer.ok) {
        if (form.action.endsWith("/do/reset")) rows.textContent = "";
        await refresh(heading);
      }
    } catch (error) {
      say(`The emulator did not answer: ${error}`, true);
    } finally {
      busy = false;
    }
  });

  setInterval(() => {
    if (!busy && !editing() && !document.hidden) refresh().catch(() => {});
  }, 3000);

  // The live request log.
  const rows = document.getElementById("log-rows");
  const filter = document.getElementById("log-filter");
  const pause = document.getElementById("log-pause");
  const state = document.getElementById("log-state");
  const held = [];
  const KEEP = 300;

  const shown = (tr) => {
    const wanted = filter.value.trim();
    return !wanted || tr.dataset.route.includes(wanted) || tr.dataset.path.includes(wanted);
  };

  function add(item) {
    const tr = document.createElement("tr");
    tr.dataset.route = item.route;
    tr.dataset.path = item.path;
    const kind = !item.status ? "s0" : item.status >= 500 ? "s5" : item.status >= 400 ? "s4" : "s2";
    const cells = [
      [item.time],
      [item.method],
      [item.path + (item.query ? `?${item.query}` : "")],
      [item.status ? String(item.status) : "dropped", kind],
      [item.ms.toFixed(1)],
      [item.faults.join(", "), item.faults.length ? "fault" : ""],
    ];
    for (const [text, css] of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      if (css) td.className = css;
      tr.append(td);
    }
    tr.hidden = !shown(tr);
    rows.prepend(tr);
    while (rows.children.length > KEEP) rows.lastElementChild.remove();
  }

  filter.addEventListener("input", () => {
    for (const tr of rows.children) tr.hidden = !shown(tr);
  });
  pause.addEventListener("change", () => {
    if (!pause.checked) held.splice(0).forEach(add);
  });
  document.getElementById("log-clear").addEventListener("click", () => {
    rows.textContent = "";
    held.length = 0;
  });

  let lost = null;
  const source = new EventSource(`${base}/log`);
  source.addEventListener("open", () => {
    clearTimeout(lost);
    state.textContent = "live";
  });
  // Each stream ends after a few seconds and resumes at once; say so only when it does not come back.
  source.addEventListener("error", () => {
    clearTimeout(lost);
    lost = setTimeout(() => (state.textContent = "disconnected, retrying…"), 2000);
  });
  source.addEventListener("request", (event) => {
    const item = JSON.parse(event.data);
    if (pause.checked) held.push(item);
    else add(item);
    if (item.method !== "GET" || item.faults.length) soon(); // state or faults changed
  });
})();
