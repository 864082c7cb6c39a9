/* Upload a report, show the proposed updates (signed-in users of any role); a signed-in planner
   turns the selected ones into changes (approved, or submitted for review). Every value is set as
   text, never as HTML.

   The sign-in is the map page's own session (static/auth.js, window.tzAuth): signed in on either
   page, one is signed in on both, in this tab. */
(function () {
  'use strict';
  var REVIEWER_ROLES = ['planner', 'admin'];
  var OPEN_STATES = ['new', 'repeat'];  // what may still be chosen; the rest is in the database or the queue
  var auth = window.tzAuth;

  function $(id) { return document.getElementById(id); }
  var form = $('tz-extract-form');
  var read = form.querySelector('button[type=submit]');
  var status = $('tz-extract-status');
  var table = $('tz-proposals');
  var body = table.querySelector('tbody');
  var last = null;  // the preview shown: {json, file, reportYear}
  var picks = [];   // one per row when a planner is signed in: {proposal, box, state, row, name?, category?}

  // --- who is signed in ---------------------------------------------------------------------

  function isReviewer(user) { return !!(user && REVIEWER_ROLES.indexOf(user.role) >= 0); }

  function answer(response) {
    return response.json().catch(function () { return {}; }).then(function (json) {
      return { ok: response.ok, status: response.status, json: json };
    });
  }

  function showAuth() {
    var user = auth.user();
    $('tz-signin').hidden = !!user;
    $('tz-whoami').hidden = !user;
    if (user) {
      var who = (user.display_name || user.username || '') + ' · ' + (user.role || '');
      $('tz-user').textContent = '已登录 / Signed in: ' + who +
        (isReviewer(user) ? '' : '（仅规划人员可写入 / only planners may apply）');
    }
    // Reading a report needs a sign-in (any role): without one, say so instead of offering it.
    read.disabled = !user;
    $('tz-note-signin').hidden = !!user;
    $('tz-note-reader').hidden = isReviewer(user);
    $('tz-note-planner').hidden = !isReviewer(user);
    if (last) { render(); }
  }
  document.addEventListener('tzauth:change', showAuth);

  $('tz-signin').addEventListener('submit', function (event) {
    event.preventDefault();
    var said = $('tz-signin-status');
    said.textContent = '登录中… / signing in…';
    auth.signIn($('tz-username').value, $('tz-password').value).then(function () {
      said.textContent = '';
    }, function (error) {
      said.textContent = error.message;
    }).then(function () { $('tz-password').value = ''; });
  });

  $('tz-signout').addEventListener('click', function () { auth.signOut(); });

  // --- the proposals ------------------------------------------------------------------------

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function label(p) { return p.project_name || p.entity_name || p.mention; }

  function pickCell(row, p) {
    var td = document.createElement('td');
    td.className = 'tz-pick';
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'tz-pick-box';
    box.setAttribute('data-ref', p.ref);
    box.setAttribute('aria-label', '选择 / pick: ' + label(p));
    var open = OPEN_STATES.indexOf(p.state) >= 0;
    box.disabled = !open;
    box.checked = open && p.accepted;
    box.addEventListener('change', countPicked);
    td.appendChild(box);
    var pick = { proposal: p, box: box, row: row };
    if (p.entity === 'candidate' && open) {
      // A new, unplaced project: its name (the report's words by default) and its category.
      var name = document.createElement('input');
      name.className = 'tz-new-name';
      name.value = p.entity_name;
      name.maxLength = 200;
      name.setAttribute('aria-label', '新项目名称 / name of the new project');
      var category = document.createElement('select');
      category.className = 'tz-new-category';
      category.setAttribute('aria-label', '新项目类别 / category of the new project');
      category.appendChild(new Option('— 类别 / category —', ''));
      (last.json.categories || []).forEach(function (c) {
        category.appendChild(new Option(c.zh + ' / ' + c.en, c.id));
      });
      td.appendChild(name);
      td.appendChild(category);
      pick.name = name;
      pick.category = category;
    }
    row.appendChild(td);
    return pick;
  }

  function render() {
    while (body.firstChild) { body.removeChild(body.firstChild); }
    picks = [];
    var planner = isReviewer(auth.user());
    $('tz-pick-head').hidden = !planner;
    $('tz-actions').hidden = !planner;
    last.json.proposals.forEach(function (p) {
      var row = document.createElement('tr');
      if (p.state !== 'new') { row.className = 'tz-recorded'; }
      var pick = planner ? pickCell(row, p) : null;
      cell(row, label(p));
      cell(row, p.kind);
      cell(row, p.status || (p.value !== null ? p.value + (p.unit || '') : ''));
      cell(row, p.year);
      cell(row, p.milestone);
      cell(row, p.confidence);
      var state = cell(row, p.state, 'tz-state');
      cell(row, '[' + p.evidence_start + '–' + p.evidence_end + '] ' + p.evidence, 'tz-evidence');
      if (pick) { pick.state = state; picks.push(pick); }
      body.appendChild(row);
    });
    table.hidden = false;
    countPicked();
  }

  function countPicked() {
    var n = picks.filter(function (pick) { return pick.box.checked; }).length;
    $('tz-picked').textContent = '已选 ' + n + ' 条 / ' + n + ' selected';
    $('tz-approve').disabled = n === 0;
    $('tz-submit').disabled = n === 0;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var reportYear = data.get('report_year');
    if (!reportYear) { data.delete('report_year'); }
    var file = $('tz-report').files[0];
    status.textContent = '解读中… / reading…';
    $('tz-apply-result').hidden = true;
    auth.fetch('/extract', { method: 'POST', body: data }).then(answer).then(function (result) {
      if (!result.ok) {
        // 401: the session is over (signed out here too); 429, 503: the detail says when to retry.
        if (result.status === 401) { auth.signOut('expired'); }
        status.textContent = result.json.detail || ('HTTP ' + result.status);
        table.hidden = true;
        $('tz-actions').hidden = true;
        last = null;
        return;
      }
      last = { json: result.json, file: file, reportYear: reportYear };
      status.textContent = result.json.document.title + ' · ' + result.json.report_year + ' · ' +
        result.json.proposals.length + ' 条建议 / proposals';
      render();
    }).catch(function (error) { status.textContent = String(error); });
  });

  // --- turning the selected ones into changes ------------------------------------------------

  function selection() {
    var chosen = [];
    var seen = {};
    picks.forEach(function (pick) {
      var ref = pick.proposal.ref;
      if (!pick.box.checked || seen[ref]) { return; }
      seen[ref] = true;
      if (pick.category) {
        chosen.push({ ref: ref, name: pick.name.value.trim() || undefined,
                      category: pick.category.value || undefined });
      } else {
        chosen.push(ref);
      }
    });
    return chosen;
  }

  function item(list, text, cls) {
    var li = document.createElement('li');
    li.textContent = text;
    if (cls) { li.className = cls; }
    list.appendChild(li);
  }

  function describe(ref) {
    var pick = picks.filter(function (p) { return p.proposal.ref === ref; })[0];
    if (!pick) { return ref; }
    var p = pick.proposal;
    return label(p) + ' · ' + p.kind + ' ' + p.year + ' ' + (p.status || p.value_kind || '');
  }

  function showResult(r, approve) {
    var summary = $('tz-apply-summary');
    var list = $('tz-apply-errors');
    while (list.firstChild) { list.removeChild(list.firstChild); }
    $('tz-apply-result').hidden = false;
    $('tz-apply-result').className = r.ok ? 'tz-ok' : 'tz-failed';
    if (!r.ok) {
      var problems = r.json.errors || [];
      summary.textContent = (r.json.title ? r.json.title + ': ' : '') +
        (problems.length ? '未写入任何内容 / nothing was written' : (r.json.detail || ('HTTP ' + r.status)));
      problems.forEach(function (e) {
        item(list, (e.ref ? describe(e.ref) + ': ' : '') + (e.detail || e.message || ''), 'tz-error');
      });
      countPicked();
      return;
    }
    var made = r.json.changes;
    var ids = made.map(function (c) { return c.id; });
    summary.textContent = (approve ? '已批准 / approved: ' : '已提交审核 / submitted for review: ') +
      made.length + ' 项变更 / changes' + (ids.length ? '（编号 / ids ' + ids.join(', ') + '）' : '') +
      (r.json.skipped.length ? '；跳过 / skipped ' + r.json.skipped.length : '');
    r.json.skipped.forEach(function (s) { item(list, describe(s.ref) + ': ' + s.reason, 'tz-skipped'); });
    var done = {};
    made.forEach(function (c) { done[c.ref] = true; });
    picks.forEach(function (pick) {
      if (!done[pick.proposal.ref]) { return; }
      pick.proposal.state = approve ? 'applied' : 'submitted';
      pick.state.textContent = pick.proposal.state;
      pick.box.checked = false;
      pick.box.disabled = true;
      if (pick.name) { pick.name.disabled = true; pick.category.disabled = true; }
      pick.row.className = 'tz-recorded';
    });
    countPicked();
  }

  function apply(approve) {
    var chosen = selection();
    if (!last || !chosen.length) { return; }
    var data = new FormData();
    data.append('file', last.file, last.file.name);
    if (last.reportYear) { data.append('report_year', last.reportYear); }
    data.append('selection', JSON.stringify(chosen));
    data.append('approve', approve ? 'true' : 'false');
    $('tz-approve').disabled = true;
    $('tz-submit').disabled = true;
    $('tz-apply-result').hidden = false;
    $('tz-apply-result').className = '';
    $('tz-apply-summary').textContent = '写入中… / writing…';
    auth.fetch('/extract/changes', { method: 'POST', body: data }).then(answer).then(function (r) {
      if (r.status === 401) { auth.signOut('expired'); }
      showResult(r, approve);
    }).catch(function (error) {
      $('tz-apply-summary').textContent = String(error);
      countPicked();
    });
  }

  $('tz-approve').addEventListener('click', function () { apply(true); });
  $('tz-submit').addEventListener('click', function () { apply(false); });

  // A session kept in this tab may have been revoked since (account disabled, password changed):
  // ask who it is before offering to write; a refused token ends the session.
  if (auth.signedIn()) {
    auth.fetch('/auth/me').then(function (r) {
      if (r.status === 401) { auth.signOut('expired'); }
    }).catch(function () {}).then(showAuth);
  } else {
    showAuth();
  }
})();
