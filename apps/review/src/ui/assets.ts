// The browser side of the workbench: plain script, no build step, progressive enhancement of
// server-rendered pages (live queue, claim on open, actions through the JSON API, keys).
export const CLIENT_JS = String.raw`'use strict';
(function () {
  var page = document.body.dataset.page;
  var typing = function (el) { return el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'); };

  function stream(onCase) {
    if (!window.EventSource) return;
    var source = new EventSource('/api/stream');
    source.addEventListener('case', function (e) { onCase(JSON.parse(e.data)); });
  }

  // The stop button (admins, on the health page): stop or restart automation of a category and model, with a reason.
  Array.prototype.forEach.call(document.querySelectorAll('form.trust-control'), function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var out = form.querySelector('.result');
      var button = form.querySelector('button');
      button.disabled = true;
      fetch('/api/admin/automation/' + encodeURIComponent(form.dataset.category) + '/' + encodeURIComponent(form.dataset.model) + '/' + form.dataset.control, {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: form.elements.reason.value.trim() }),
      }).then(function (r) { return r.json().then(function (json) { if (!r.ok) throw new Error(json.message || r.statusText); return json; }); })
        .then(function () { out.textContent = form.dataset.control === 'stop' ? 'Stop sent: automation ends within moments.' : 'Lift sent: the last certified threshold holds again within moments.'; out.className = 'result ok'; })
        .catch(function (err) { out.textContent = err.message; out.className = 'result error'; button.disabled = false; });
    });
  });

  if (page === 'queue') {
    var timer = null;
    var refresh = function () {
      fetch(location.href, { headers: { 'X-Fragment': 'queue' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (markup) {
          if (!markup) return;
          var current = document.getElementById('queue');
          var focused = document.activeElement && document.activeElement.closest('tr') ? document.activeElement.closest('tr').dataset.case : null;
          current.outerHTML = markup;
          if (focused) { var row = document.querySelector('tr[data-case="' + CSS.escape(focused) + '"] a'); if (row) row.focus(); }
        });
    };
    stream(function () { clearTimeout(timer); timer = setTimeout(refresh, 200); });
    // Next case: the server picks (priority, due time, your skills), claims it for you, and the case opens.
    var nextButton = document.getElementById('next-case');
    var nextStatus = document.getElementById('next-status');
    var next = function () {
      nextButton.disabled = true;
      fetch('/api/next', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } })
        .then(function (r) {
          if (r.status === 204) { nextStatus.textContent = 'No case waits for you.'; return; }
          return r.json().then(function (json) {
            if (!r.ok) throw new Error(json.message || r.statusText);
            location.assign('/cases/' + encodeURIComponent(json.caseId));
          });
        })
        .catch(function (err) { nextStatus.textContent = err.message; })
        .then(function () { nextButton.disabled = false; });
    };
    nextButton.addEventListener('click', next);
    document.addEventListener('keydown', function (e) {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'n') { next(); e.preventDefault(); return; }
      var links = Array.prototype.slice.call(document.querySelectorAll('#queue tbody a'));
      var at = links.indexOf(document.activeElement);
      if (e.key === 'j') { (links[at + 1] || links[0] || { focus: function () {} }).focus(); e.preventDefault(); }
      if (e.key === 'k') { (links[at - 1] || links[links.length - 1] || { focus: function () {} }).focus(); e.preventDefault(); }
      if (e.key === 'r') { refresh(); e.preventDefault(); }
    });
  }

  if (page === 'case') {
    var article = document.querySelector('article.case');
    var caseId = article.dataset.case;
    var me = null;
    var status = document.getElementById('claim-status');
    var live = document.getElementById('live');
    var result = document.getElementById('result');
    var api = function (path, method, body) {
      return fetch('/api/cases/' + encodeURIComponent(caseId) + path, {
        method: method, credentials: 'same-origin',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      }).then(function (r) { return r.status === 204 ? {} : r.json().then(function (json) { if (!r.ok) throw new Error(json.message || r.statusText); return json; }); });
    };
    var forms = Array.prototype.slice.call(document.querySelectorAll('form[data-action]'));
    var done = false;
    var disableAll = function () { forms.forEach(function (f) { Array.prototype.forEach.call(f.elements, function (el) { el.disabled = true; }); }); };

    fetch('/api/auth/me', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (u) { me = u.id; });
    // Opening a case you may act on claims it: others see you are on it.
    if (article.dataset.canAct === 'yes') {
      api('/claim', 'POST').then(function (c) {
        status.textContent = 'You are working on this case until ' + c.claimedBy.until.slice(11, 16) + ' UTC.';
      }).catch(function (err) { status.textContent = err.message; disableAll(); });
    }
    var release = document.getElementById('release');
    if (release) release.addEventListener('click', function () {
      api('/claim', 'DELETE').then(function () { status.textContent = 'Released: someone else may take the case.'; release.disabled = true; disableAll(); })
        .catch(function (err) { status.textContent = err.message; });
    });
    // Friction by design: a decision that needs a reason cannot be sent without one.
    forms.forEach(function (form) {
      var button = form.querySelector('button[type=submit]');
      var required = Array.prototype.slice.call(form.querySelectorAll('[required]'));
      var check = function () { if (!done && required.length) button.disabled = required.some(function (el) { return el.value.trim() === ''; }); };
      form.addEventListener('input', check);
      check();
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        if (done || button.disabled) return;
        var body = {};
        Array.prototype.forEach.call(form.elements, function (el) { if (el.name && el.value.trim() !== '') body[el.name] = el.value.trim(); });
        button.disabled = true;
        api('/' + form.dataset.action, 'POST', body).then(function (d) {
          done = true;
          disableAll();
          result.textContent = 'Decision sent: ' + d.action.replace('_', ' ') + (d.outcome ? ' → ' + d.outcome : '') + '. ' + (article.dataset.next ? 'Next case: j.' : 'Back to the queue: q.');
          result.className = 'ok';
          if (d.reveal) {
            result.textContent = 'This was a calibration exercise: a past case where the AI recommended “' + d.reveal.aiRecommendation + '” and people decided “' + d.reveal.knownOutcome + '”. '
              + (d.reveal.caught ? 'You caught the AI’s mistake.' : 'The AI was wrong here: look again at what it missed.') + ' ' + (article.dataset.next ? 'Next case: j.' : 'Back to the queue: q.');
            result.className = d.reveal.caught ? 'ok' : 'error';
          }
        }).catch(function (err) { result.textContent = err.message; result.className = 'error'; check(); });
      });
    });
    // The server's view of the case again, in place: approvals, history, whose vote is missing;
    // once nobody can act on it, its status (who decided what) too, and the claim's controls go.
    // While it is open the claim line stays this page's own (claimed, released).
    var refresh = function (closed) {
      fetch(location.pathname, { credentials: 'same-origin' }).then(function (r) {
        // Moved on to roles this person does not hold (e.g. an arbiter's): say so, keep the page.
        if (r.status === 403 && status) status.textContent = 'This case went on to people with other roles (e.g. a senior arbiter): nothing more to do here.';
        return r.ok ? r.text() : null;
      }).then(function (text) {
        if (!text) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html');
        var ids = ['case-sub', 'history', 'audit-note'].concat(closed ? ['claim-status'] : []);
        ids.forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) now.replaceWith(next);
        });
        status = document.getElementById('claim-status');
        var gap = document.getElementById('missing-votes'), nextGap = fresh.getElementById('missing-votes');
        if (gap && nextGap) gap.replaceWith(nextGap);
        else if (gap) gap.remove();
        else if (nextGap && status) status.after(nextGap);
        var rel = document.getElementById('release');
        if (rel && closed) rel.remove();
      });
    };
    stream(function (c) {
      if (c.caseId !== caseId) return;
      if (c.status !== 'open') {
        live.textContent = 'This case is now ' + c.status.replace('_', ' ') + '.';
        done = true;
        disableAll();
        refresh(true);
      } else {
        if (c.claimedBy && me && c.claimedBy !== me) live.textContent = 'Someone else claimed this case.';
        refresh(false);
      }
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && typing(e.target)) { e.target.blur(); return; }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      var go = function (id) { if (id) location.assign('/cases/' + encodeURIComponent(id)); };
      var focus = function (id) { var el = document.getElementById(id); if (el && !el.disabled) { el.focus(); e.preventDefault(); } };
      if (e.key === 'a') { var approve = document.getElementById('approve'); if (approve && !approve.disabled) { approve.click(); e.preventDefault(); } }
      if (e.key === 'o') focus('override-outcome');
      if (e.key === 'd') focus('decide-outcome');
      if (e.key === 'i') focus('info-question');
      if (e.key === 'e') focus('escalate-reason');
      if (e.key === 'j') go(article.dataset.next);
      if (e.key === 'k') go(article.dataset.prev);
      if (e.key === 'q') location.assign('/');
    });
  }
})();
`;

export const CLIENT_CSS = `
:root { --fg:#1c2430; --muted:#5b6573; --line:#d9dee5; --bg:#f6f7f9; --accent:#1f5fbf; --ok:#1d7a46; --warn:#a35a00; --bad:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:10; }
header.top { display:flex; gap:16px; align-items:center; padding:8px 20px; background:#17324d; color:#fff; }
header.top a { color:#fff; margin-right:12px; } .brand { font-weight:700; margin-right:12px; } .who { margin-left:auto; }
form.inline { display:inline; } button { font:inherit; padding:6px 12px; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
button.primary { background:var(--accent); color:#fff; border-color:var(--accent); } button:disabled { opacity:.5; cursor:not-allowed; }
:focus-visible { outline:3px solid #f0b429; outline-offset:2px; }
main { padding:16px 20px; max-width:1200px; margin:0 auto; }
.login { max-width:360px; margin:40px auto; background:#fff; padding:24px; border:1px solid var(--line); border-radius:8px; }
.login label, .act label { display:block; margin-top:10px; font-weight:600; }
.login input { width:100%; padding:8px; margin-top:4px; } .login button { margin-top:16px; width:100%; }
.filters { display:flex; flex-wrap:wrap; gap:12px; align-items:end; margin-bottom:12px; }
table { width:100%; border-collapse:collapse; background:#fff; } th, td { text-align:left; padding:8px; border-bottom:1px solid var(--line); vertical-align:top; }
tr.overdue td { background:#fff6f5; } .sub { color:var(--muted); font-size:13px; } .value { color:var(--muted); }
.badge { display:inline-block; padding:0 6px; border-radius:10px; font-size:12px; background:#e8edf3; } .badge.esc { background:#fde7d9; color:var(--warn); } .badge.trig { background:#fbe3e1; color:var(--bad); }
.audit-note { background:#fff8e6; border-left:3px solid var(--warn); padding:8px 12px; }
.band { font-weight:700; } .band.auto_approve, .band.auto_approve_audit { color:var(--ok); } .band.human_review { color:var(--warn); } .band.senior_review { color:var(--bad); }
.prio { font-weight:700; } .free { color:var(--muted); } .keys { color:var(--muted); font-size:13px; }
kbd { border:1px solid var(--line); border-bottom-width:2px; border-radius:4px; padding:0 4px; font-size:12px; background:#fff; }
button.primary kbd { background:transparent; color:#fff; border-color:#9fc0f0; }
.grid { display:grid; grid-template-columns:1fr 1fr; gap:16px; margin:16px 0; } @media (max-width: 800px) { .grid { grid-template-columns:1fr; } }
.panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 16px; } .panel h2 { margin-top:0; font-size:18px; }
.kv { display:grid; grid-template-columns:max-content 1fr; gap:4px 12px; } .kv dt { color:var(--muted); } .kv dd { margin:0; word-break:break-word; }
.rec { font-size:18px; } .factors { list-style:none; padding:0; } .factors li { display:grid; grid-template-columns:170px 1fr 48px; gap:8px; align-items:center; margin:6px 0; }
.bar-cell { width:40%; } .tbar { display:block; height:10px; background:var(--accent); border-radius:3px; }
.factors small { grid-column:2 / 4; color:var(--muted); } .bar { height:10px; background:#e8edf3; border-radius:5px; overflow:hidden; } .bar span { display:block; height:100%; background:var(--accent); }
.reasoning { background:#f3f6fa; padding:8px 12px; border-left:3px solid var(--accent); }
.actions .buttons { margin-bottom:12px; } .act { display:inline-block; vertical-align:top; width:32%; min-width:260px; margin-right:1%; }
.act input, .act textarea { width:100%; padding:6px; font:inherit; } .act button { margin-top:8px; } .act h3 { font-size:15px; margin:8px 0 0; }
#result.ok { color:var(--ok); font-weight:600; } #result.error, .error { color:var(--bad); font-weight:600; } .live { color:var(--warn); font-weight:600; }
.history { padding-left:18px; } .pages a { margin-right:12px; }
.muted { color:var(--muted); } .scroll { overflow-x:auto; } table.health td.value { color:inherit; font-weight:600; }
.status { display:inline-block; padding:0 8px; border-radius:10px; font-size:13px; font-weight:600; }
.status-ok { background:#e3f4e8; color:var(--ok); } .status-warn { background:#fdf1d9; color:var(--warn); }
.status-red { background:#fbe3e1; color:var(--bad); } .status-no_data, .status-few { background:#eef1f4; color:var(--muted); }
td.status-cell { font-weight:600; }
`;
