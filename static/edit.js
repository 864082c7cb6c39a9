/* The living map: signing in and out, the edit section of the project panel (progress reports for
   township editors; targets, the geometry and retiring for planners), the project's history, and
   the review queue. Everything goes through the API with the session of static/auth.js; the map
   (static/map.js) announces the project it shows and is reloaded once a change is published.
   Text that comes from users or data is always set with textContent, never parsed as HTML. */
(function () {
  'use strict';

  var auth = window.tzAuth;
  var tz = window.tzmap;
  if (!auth || !tz) { return; }
  var map = tz.map;

  var T = {
    zh: {
      signIn: '登录', signOut: '退出登录', username: '用户名', password: '密码', cancel: '取消',
      signedInAs: '已登录：{name}', townships: '负责乡镇：{names}',
      wrongPassword: '用户名或密码错误，或账号已停用。', throttled: '登录失败次数过多，请{minutes}分钟后再试。',
      expired: '登录已过期，请重新登录。', needSignIn: '本地图需登录后查看，请先登录。',
      queue: '待审核（{n}）', mine: '我的提交（{n}待审核）', queueTitle: '待审核的修改',
      mineTitle: '我的提交', close: '关闭', noChanges: '没有待审核的修改。', noMine: '您还没有提交修改。',
      approve: '批准', reject: '退回', comment: '审核意见（退回时必填）', needComment: '退回时请写明原因。',
      approved: '已批准并发布。', rejected: '已退回。', showOnMap: '在地图上查看',
      history: '修改记录', noHistory: '暂无在线修改记录。', edit: '编辑此项目',
      editorNote: '您提交的修改须经规划部门审核后才会在公开地图上显示。',
      publishNow: '立即发布（不经审核）',
      reportEvent: '报告进展', setTarget: '设定目标', editGeometry: '编辑位置', retire: '撤销项目',
      year: '年份', status: '状态', milestone: '里程碑（如：主体结构封顶）', note: '说明（可选）',
      evidence: '依据', fromDocument: '文件中的语句', fromUpload: '上传照片或PDF',
      document: '文件', find: '查找', findPlaceholder: '输入句中的词语', start: '起始字符', end: '结束字符',
      noMatch: '未找到包含该词语的语句。', file: '文件（JPEG、PNG 或 PDF，不超过10MB）',
      fileTitle: '文件标题（可选）', chooseFile: '请选择要上传的文件。', chooseRange: '请选择文件中的语句（起止字符）。',
      submit: '提交审核', publish: '发布', submitted: '已提交，等待规划部门审核。', published: '已发布。',
      queued: '已提交到审核队列。',
      stale: '该项目在您打开之后已被他人修改，已重新加载；请核对后再提交。',
      forbidden: '无权进行此操作：{detail}', conflict: '与已有记录冲突：{detail}', invalid: '请检查填写：{detail}',
      tooLarge: '文件过大：{detail}', badType: '文件类型不支持：{detail}', failed: '操作失败：{detail}',
      drawPoint: '画点', drawLine: '画线', drawPolygon: '画面', editShape: '修改现有图形', clearShape: '清除',
      quality: '位置精度', placement: '定位说明（如何确定的位置）', crossBorder: '允许超出区界',
      saveGeometry: '保存位置', needPlacement: '请说明位置是如何确定的。', needShape: '请先在地图上画出或修改图形。',
      editing: '正在地图上编辑：拖动顶点修改，完成后点“保存位置”。', loadingEditor: '正在加载编辑工具…',
      reason: '撤销原因', confirmRetire: '确认撤销（项目从地图上移除，历史记录保留）',
      retired: '项目已撤销。', uploading: '正在上传文件…', sending: '正在提交…',
      by: '{user} · {time}', reviewedBy: '{user}审核 · {time}', chars: '字符 {start}–{end}',
      openFile: '打开文件'
    },
    en: {
      signIn: 'Sign in', signOut: 'Sign out', username: 'User name', password: 'Password', cancel: 'Cancel',
      signedInAs: 'Signed in: {name}', townships: 'Townships: {names}',
      wrongPassword: 'Wrong user name or password, or the account is disabled.',
      throttled: 'Too many failed sign-ins: try again in {minutes} minutes.',
      expired: 'Your session has expired: sign in again.', needSignIn: 'This map is for signed-in users: sign in first.',
      queue: 'To review ({n})', mine: 'My changes ({n} waiting)', queueTitle: 'Changes waiting for review',
      mineTitle: 'My changes', close: 'Close', noChanges: 'Nothing is waiting for review.',
      noMine: 'You have not submitted any change yet.',
      approve: 'Approve', reject: 'Reject', comment: 'Review comment (required to reject)',
      needComment: 'Say why the change is rejected.', approved: 'Approved and published.', rejected: 'Rejected.',
      showOnMap: 'Show on the map', history: 'Change history', noHistory: 'No change made in the app yet.',
      edit: 'Edit this project',
      editorNote: 'Your changes reach the public map once a planner has approved them.',
      publishNow: 'Publish at once (no review)',
      reportEvent: 'Report progress', setTarget: 'Set a target', editGeometry: 'Edit the location',
      retire: 'Retire the project',
      year: 'Year', status: 'Status', milestone: 'Milestone (e.g. structure topped out)', note: 'Note (optional)',
      evidence: 'Evidence', fromDocument: 'A sentence of a document', fromUpload: 'Upload a photo or PDF',
      document: 'Document', find: 'Find', findPlaceholder: 'words of the sentence', start: 'Start', end: 'End',
      noMatch: 'No sentence contains these words.', file: 'File (JPEG, PNG or PDF, up to 10 MB)',
      fileTitle: 'Title of the file (optional)', chooseFile: 'Choose the file to upload.',
      chooseRange: 'Choose the sentence of the document (start and end).',
      submit: 'Submit for review', publish: 'Publish', submitted: 'Submitted: a planner will review it.',
      published: 'Published.', queued: 'Added to the review queue.',
      stale: 'Someone changed this project after you opened it; it has been reloaded. Check and submit again.',
      forbidden: 'Not allowed: {detail}', conflict: 'Conflicts with a record: {detail}',
      invalid: 'Please check: {detail}', tooLarge: 'File too large: {detail}',
      badType: 'File type not accepted: {detail}', failed: 'Failed: {detail}',
      drawPoint: 'Draw a point', drawLine: 'Draw a line', drawPolygon: 'Draw an area',
      editShape: 'Edit the shape', clearShape: 'Clear',
      quality: 'Position quality', placement: 'How the position was found', crossBorder: 'May cross the district border',
      saveGeometry: 'Save the location', needPlacement: 'Say how the position was found.',
      needShape: 'Draw or edit a shape on the map first.',
      editing: 'Editing on the map: drag the vertices, then "Save the location".', loadingEditor: 'Loading the editor…',
      reason: 'Why it is retired', confirmRetire: 'Retire it (it leaves the map; its history stays)',
      retired: 'The project was retired.', uploading: 'Uploading the file…', sending: 'Sending…',
      by: '{user} · {time}', reviewedBy: 'reviewed by {user} · {time}', chars: 'characters {start}–{end}',
      openFile: 'Open the file'
    }
  };
  var ROLE_NAMES = {
    zh: { admin: '管理员', planner: '规划人员', township_editor: '乡镇编辑', viewer: '只读用户' },
    en: { admin: 'administrator', planner: 'planner', township_editor: 'township editor', viewer: 'viewer' }
  };
  var KIND_NAMES = {
    zh: { event: '进展', target: '目标', geometry: '位置', project: '新项目', retire: '撤销',
          programme_figure: '计划任务数', indicator_figure: '指标值' },
    en: { event: 'progress', target: 'target', geometry: 'location', project: 'new project',
          retire: 'retired', programme_figure: 'programme figure', indicator_figure: 'indicator value' }
  };
  var STATE_NAMES = {
    zh: { submitted: '待审核', approved: '已批准', rejected: '已退回' },
    en: { submitted: 'waiting for review', approved: 'approved', rejected: 'rejected' }
  };
  var QUALITIES = ['surveyed', 'approximate', 'schematic', 'unplaced'];
  var GEOMAN = '/static/vendor/geoman/leaflet-geoman';
  var QUEUE_POLL_MS = 60 * 1000;

  // --- small helpers -------------------------------------------------------------------------

  function lang() { return tz.state.lang === 'en' ? 'en' : 'zh'; }
  function placementOf(p) { return lang() === 'zh' ? p.placement_zh || p.placement : p.placement || p.placement_zh; }
  function t(key, values) {
    var text = T[lang()][key] || T.zh[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(values[k]); });
    return text;
  }
  var el = tz.el;  // the map's own: text always as textContent
  var clear = tz.clear;
  function button(text, cls, onClick) {
    var b = el('button', text, cls || 'tz-small');
    b.type = 'button';
    if (onClick) { b.addEventListener('click', onClick); }
    return b;
  }
  function labelled(text, control) {
    var label = el('label', null, 'tz-field');
    label.appendChild(el('span', text));
    label.appendChild(control);
    return label;
  }
  function input(type, name, value) {
    var node = el('input');
    node.type = type;
    node.name = name;
    if (value !== undefined && value !== null) { node.value = value; }
    return node;
  }
  function select(name, values, names, chosen) {
    var node = el('select');
    node.name = name;
    values.forEach(function (v) { node.appendChild(new Option(names(v), v)); });
    if (chosen) { node.value = chosen; }
    return node;
  }
  function when(iso) {
    if (!iso) { return ''; }
    return new Date(iso).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB',
      { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  }
  function user() { return auth.user(); }
  function isReviewer(u) { return Boolean(u) && (u.role === 'admin' || u.role === 'planner'); }
  function canEdit(feature) {
    var u = user();
    if (!u || !feature) { return false; }
    if (isReviewer(u)) { return true; }
    if (u.role !== 'township_editor') { return false; }
    var mine = u.townships.map(function (x) { return x.code; });
    return feature.properties.township_codes.some(function (c) { return mine.indexOf(c) >= 0; });
  }

  // A JSON request with the session; the answer's body, or an Error carrying the problem.
  function call(method, url, body, headers) {
    var options = { method: method, headers: Object.assign({ Accept: 'application/json' }, headers || {}) };
    if (body instanceof FormData) { options.body = body; }
    else if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return auth.fetch(url, options).then(function (r) {
      if (!r.ok) { return auth.problem(r); }
      return r.json().then(function (data) { return { data: data, etag: r.headers.get('ETag') }; });
    });
  }
  function itemUrl(id) { return '/collections/projects/items/' + encodeURIComponent(id); }

  // What went wrong, said to a person.
  function messageOf(error) {
    var detail = error.message || String(error);
    switch (error.status) {
      case 401: return t('expired');
      case 403: return t('forbidden', { detail: detail });
      case 409: return t('conflict', { detail: detail });
      case 412: return t('stale');
      case 413: return t('tooLarge', { detail: detail });
      case 415: return t('badType', { detail: detail });
      case 400: case 422: return t('invalid', { detail: detail });
      default: return t('failed', { detail: detail });
    }
  }
  function say(node, text, kind) {
    node.textContent = text || '';
    node.className = 'tz-message' + (kind ? ' tz-' + kind : '');
  }

  // --- sign in and out -----------------------------------------------------------------------

  var account = document.getElementById('tz-account');
  var accountState = { open: false, message: '' };

  function drawAccount() {
    clear(account);
    account.hidden = false;
    var u = user();
    if (u) {
      var who = el('div', null, 'tz-row tz-who');
      var name = u.display_name ? u.display_name + '（' + u.username + '）' : u.username;
      who.appendChild(el('span', t('signedInAs', { name: name }) + ' · ' + (ROLE_NAMES[lang()][u.role] || u.role), 'tz-user'));
      who.appendChild(button(t('signOut'), 'tz-small tz-sign-out', function () { auth.signOut(); }));
      account.appendChild(who);
      if (u.townships && u.townships.length) {
        account.appendChild(el('div', t('townships', {
          names: u.townships.map(function (x) { return x.name; }).join('、')
        }), 'tz-note'));
      }
      if (isReviewer(u) || u.role === 'township_editor') {
        var q = button('', 'tz-small tz-queue-button', toggleQueue);
        q.id = 'tz-queue-button';
        q.setAttribute('aria-expanded', String(!queueBox.hidden));
        account.appendChild(q);
        drawQueueButton();
      }
      return;
    }
    if (!accountState.open) {
      var row = el('div', null, 'tz-row');
      row.appendChild(button(t('signIn'), 'tz-small tz-sign-in', function () {
        accountState.open = true;
        drawAccount();
        account.querySelector('input[name=username]').focus();
      }));
      account.appendChild(row);
      if (accountState.message) { account.appendChild(el('div', accountState.message, 'tz-message tz-error')); }
      return;
    }
    var form = el('form', null, 'tz-sign-in-form');
    form.noValidate = true;
    var username = input('text', 'username');
    username.autocomplete = 'username';
    username.required = true;
    var password = input('password', 'password');
    password.autocomplete = 'current-password';
    password.required = true;
    form.appendChild(labelled(t('username'), username));
    form.appendChild(labelled(t('password'), password));
    var actions = el('div', null, 'tz-row');
    var submit = el('button', t('signIn'), 'tz-small tz-primary');
    submit.type = 'submit';
    actions.appendChild(submit);
    actions.appendChild(button(t('cancel'), 'tz-small', function () {
      accountState.open = false;
      accountState.message = '';
      drawAccount();
    }));
    form.appendChild(actions);
    var message = el('div', null, 'tz-message');
    message.setAttribute('role', 'alert');
    form.appendChild(message);
    if (accountState.message) { say(message, accountState.message, 'error'); }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      submit.disabled = true;
      say(message, '');
      auth.signIn(username.value.trim(), password.value).then(function () {
        accountState.open = false;
        accountState.message = '';
      }).catch(function (error) {
        submit.disabled = false;
        password.value = '';
        var text = error.status === 401 ? t('wrongPassword')
          : error.status === 429 ? t('throttled', { minutes: Math.ceil((error.retryAfter || 900) / 60) })
            : messageOf(error);
        accountState.message = text;
        say(message, text, 'error');
      });
    });
    account.appendChild(form);
  }

  document.addEventListener('tzauth:change', function (e) {
    if (e.detail.reason === 'expired') {
      accountState.open = true;
      accountState.message = t('expired');
    }
    stopGeometry();
    sections = {};
    queueBox.hidden = true;
    queue = null;
    drawAccount();
    pollQueue();
    var u = user();
    tz.reload().then(function () { document.body.setAttribute('data-user', u ? u.username : ''); });
  });
  function showSignIn() {
    if (auth.signedIn()) { return; }
    accountState.open = true;
    accountState.message = accountState.message || t('needSignIn');
    drawAccount();
  }
  document.addEventListener('tzmap:unauthorized', showSignIn);
  document.addEventListener('tzauth:error', function (e) {  // a file that could not be opened
    account.appendChild(el('div', messageOf(e.detail.error), 'tz-message tz-error'));
  });

  // --- the review queue ----------------------------------------------------------------------

  var queueBox = document.getElementById('tz-queue');
  var queue = null;  // the last answer of /changes
  var queueNote = '';  // what the last decision did, said above the list
  var poller = null;

  function waiting() {
    if (!queue) { return 0; }
    return queue.changes.filter(function (c) { return c.state === 'submitted'; }).length;
  }
  function drawQueueButton() {
    var b = document.getElementById('tz-queue-button');
    if (!b) { return; }
    var u = user();
    var n = isReviewer(u) ? (queue ? queue.numberMatched : 0) : waiting();
    b.textContent = isReviewer(u) ? t('queue', { n: n }) : t('mine', { n: n });
    b.setAttribute('data-count', String(n));
    b.setAttribute('aria-expanded', String(!queueBox.hidden));
  }
  function loadQueue() {
    var u = user();
    if (!u || !(isReviewer(u) || u.role === 'township_editor')) { queue = null; return Promise.resolve(); }
    var url = isReviewer(u) ? '/changes?state=submitted&limit=100' : '/changes?limit=100';
    return call('GET', url).then(function (answer) {
      queue = answer.data;
      drawQueueButton();
      if (!queueBox.hidden) { drawQueue(); }
    }).catch(function () { /* the button keeps its last count */ });
  }
  function pollQueue() {
    clearInterval(poller);
    poller = null;
    var u = user();
    if (!u || !(isReviewer(u) || u.role === 'township_editor')) { return; }
    loadQueue();
    poller = setInterval(loadQueue, QUEUE_POLL_MS);
  }
  function toggleQueue() {
    queueBox.hidden = !queueBox.hidden;
    queueNote = '';
    drawQueueButton();
    if (!queueBox.hidden) { drawQueue(); loadQueue(); }
  }

  function summary(change) {
    var p = change.payload || {};
    switch (change.kind) {
      case 'event':
        return p.year + ' · ' + tz.statusName(p.status) + (p.milestone ? '（' + p.milestone + '）' : '');
      case 'target': return p.year + ' · ' + tz.statusName(p.status);
      case 'geometry': return tz.qualityName(p.geometry_quality) + (placementOf(p) ? ' — ' + placementOf(p) : '');
      case 'retire': return p.reason || '';
      case 'project': return (p.name || '') + ' · ' + tz.categoryName(p.category);
      case 'programme_figure': return p.programme + ' · ' + p.year + ' · ' + p.count;
      case 'indicator_figure': return p.indicator + ' · ' + p.year + ' · ' + p.value;
      default: return '';
    }
  }

  // The evidence of a change, beside it: the quoted sentence and its document, or the file.
  function evidenceNode(evidence) {
    var box = el('div', null, 'tz-evidence');
    if (!evidence) { return box; }
    if (evidence.file) {
      var link = el('a', evidence.title || evidence.file_name || t('openFile'));
      link.href = evidence.file;
      link.target = '_blank';
      link.rel = 'noopener';
      auth.link(link);
      box.appendChild(link);
      box.appendChild(el('span', '（' + (evidence.date || '') + (evidence.media_type ? ' · ' + evidence.media_type : '') + '）', 'tz-source'));
      if (evidence.media_type && evidence.media_type.indexOf('image/') === 0) {
        var img = el('img', null, 'tz-thumb');
        img.alt = evidence.title || '';
        box.appendChild(img);
        auth.fetch(evidence.file).then(function (r) { return r.ok ? r.blob() : null; }).then(function (blob) {
          if (!blob) { return; }
          img.onload = function () { URL.revokeObjectURL(img.src); };
          img.src = URL.createObjectURL(blob);
        });
      }
      return box;
    }
    box.appendChild(el('blockquote', evidence.quote || '', 'tz-quote'));
    box.appendChild(el('div', (evidence.title || evidence.document) + '（' + (evidence.date || '') + '），' +
      t('chars', { start: evidence.start, end: evidence.end }), 'tz-source'));
    return box;
  }

  function changeItem(change, reviewing) {
    var item = el('li', null, 'tz-change tz-state-' + change.state);
    item.setAttribute('data-change-id', change.id);
    item.setAttribute('data-state', change.state);
    var head = el('div', null, 'tz-row');
    if (change.project) {
      var name = button(change.project.name, 'tz-link tz-change-project', function () {
        if (tz.feature(change.project.id)) { tz.openProject(change.project.id, true); }
      });
      name.title = t('showOnMap');
      head.appendChild(name);
    }
    head.appendChild(el('span', STATE_NAMES[lang()][change.state], 'tz-badge tz-badge-' + change.state));
    item.appendChild(head);
    item.appendChild(el('div', (KIND_NAMES[lang()][change.kind] || change.kind) + '：' + summary(change), 'tz-change-what'));
    item.appendChild(el('div', t('by', { user: change.submitted_by, time: when(change.submitted_at) }), 'tz-note'));
    if (change.payload && change.payload.note) { item.appendChild(el('div', change.payload.note, 'tz-change-note')); }
    item.appendChild(evidenceNode(change.evidence));
    if (change.reviewed_by) {
      item.appendChild(el('div', t('reviewedBy', { user: change.reviewed_by, time: when(change.reviewed_at) }) +
        (change.review_comment ? '：' + change.review_comment : ''), 'tz-note tz-review'));
    }
    if (reviewing && change.state === 'submitted') {
      var comment = el('textarea', null, 'tz-comment');
      comment.name = 'comment';
      comment.rows = 2;
      comment.maxLength = 2000;
      comment.placeholder = t('comment');
      comment.setAttribute('aria-label', t('comment'));
      item.appendChild(comment);
      var actions = el('div', null, 'tz-row');
      var message = el('div', null, 'tz-message');
      message.setAttribute('role', 'status');
      var decide = function (approve) {
        var text = comment.value.trim();
        if (!approve && !text) { say(message, t('needComment'), 'error'); comment.focus(); return; }
        actions.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
        call('POST', '/changes/' + change.id + (approve ? '/approve' : '/reject'), { comment: text || null })
          .then(function () {
            queueNote = (approve ? t('approved') : t('rejected')) + ' ' + (change.project ? change.project.name : '');
            return Promise.all([loadQueue(), approve ? tz.reload() : null]);
          }).catch(function (error) {
            actions.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
            say(message, messageOf(error), 'error');
            loadQueue();
          });
      };
      actions.appendChild(button(t('approve'), 'tz-small tz-primary tz-approve', function () { decide(true); }));
      actions.appendChild(button(t('reject'), 'tz-small tz-reject', function () { decide(false); }));
      item.appendChild(actions);
      item.appendChild(message);
    }
    return item;
  }

  function drawQueue() {
    clear(queueBox);
    var u = user();
    if (!u) { queueBox.hidden = true; return; }
    var reviewing = isReviewer(u);
    var head = el('div', null, 'tz-row');
    head.appendChild(el('h2', reviewing ? t('queueTitle') : t('mineTitle'), 'tz-grow'));
    var close = button('×', 'tz-small', toggleQueue);
    close.setAttribute('aria-label', t('close'));
    head.appendChild(close);
    queueBox.appendChild(head);
    if (queueNote) {
      var note = el('div', queueNote, 'tz-message tz-ok tz-queue-note');
      note.setAttribute('role', 'status');
      queueBox.appendChild(note);
    }
    var changes = queue ? queue.changes : [];
    if (!changes.length) {
      queueBox.appendChild(el('p', reviewing ? t('noChanges') : t('noMine'), 'tz-note'));
      return;
    }
    var list = el('ol', null, 'tz-changes');
    changes.forEach(function (c) { list.appendChild(changeItem(c, reviewing)); });
    queueBox.appendChild(list);
  }

  // --- the project panel: history and the edit section ----------------------------------------

  var sections = {};  // project|language|user -> its edit section, kept while the panel is redrawn
  var flash = {};  // project id -> what the last action said, shown in the new section
  var shown = '';  // the project the panel shows

  document.addEventListener('tzmap:project', function (e) {
    var d = e.detail;
    if (d.id !== shown) { stopGeometry(); }
    shown = d.id;
    if (!d.id) { return; }
    d.panel.appendChild(historySection(d.id));
    if (!canEdit(d.feature)) { return; }
    var key = d.id + '|' + lang() + '|' + user().username;
    var section = sections[key];
    if (!section) {
      section = editSection(d.feature);
      sections = {};
      sections[key] = section;
    }
    d.panel.appendChild(section.node);
    section.reread();
  });
  document.addEventListener('tzmap:lang', function () {
    sections = {};
    stopGeometry();
    if (map.pm) { map.pm.setLang(lang()); }
    drawAccount();
    if (!queueBox.hidden) { drawQueue(); }
    drawQueueButton();
  });

  function historySection(id) {
    var box = el('section', null, 'tz-history-section');
    box.appendChild(el('h3', t('history')));
    var list = el('ol', null, 'tz-history');
    box.appendChild(list);
    call('GET', itemUrl(id) + '/history').then(function (answer) {
      var changes = answer.data.changes || [];
      if (!changes.length) { box.replaceChild(el('p', t('noHistory'), 'tz-note'), list); }
      changes.forEach(function (c) {
        var item = el('li', null, 'tz-state-' + c.state);
        item.setAttribute('data-change-id', c.id);
        item.appendChild(el('strong', when(c.submitted_at) + ' · ' + c.submitted_by + ' · ' + STATE_NAMES[lang()][c.state]));
        item.appendChild(el('div', (KIND_NAMES[lang()][c.kind] || c.kind) + '：' + summary(c)));
        if (c.payload && c.payload.note) { item.appendChild(el('div', c.payload.note, 'tz-change-note')); }
        if (c.reviewed_by) {
          item.appendChild(el('div', t('reviewedBy', { user: c.reviewed_by, time: when(c.reviewed_at) }) +
            (c.review_comment ? '：' + c.review_comment : ''), 'tz-note tz-review'));
        }
        list.appendChild(item);
      });
    }).catch(function () { box.hidden = true; });  // the log may be closed to this reader
    return box;
  }

  // The evidence of an event or a target: a sentence of a registered document (its character
  // range), or a photo or PDF uploaded now.
  var documents = null;  // GET /documents, once
  var texts = {};  // document id -> its characters (code points: the offsets count those)

  function sentencesWith(chars, phrase) {
    var found = [];
    var start = 0;
    for (var i = 0; i <= chars.length && found.length < 10; i += 1) {
      if (i === chars.length || '。！？；\n'.indexOf(chars[i]) >= 0) {
        var end = i === chars.length || chars[i] === '\n' ? i : i + 1;  // the stop belongs to it
        while (start < end && /\s/.test(chars[start])) { start += 1; }
        while (end > start && /\s/.test(chars[end - 1])) { end -= 1; }
        var sentence = chars.slice(start, end).join('');
        if (phrase && sentence.indexOf(phrase) >= 0) { found.push({ start: start, end: end, text: sentence }); }
        start = i + 1;
      }
    }
    return found;
  }

  function evidenceField(feature) {
    var box = el('fieldset', null, 'tz-evidence-field');
    box.appendChild(el('legend', t('evidence')));
    var group = 'tz-evidence-' + Math.random().toString(36).slice(2);
    var kinds = el('div', null, 'tz-row');
    var byDocument = input('radio', group, 'document');
    var byUpload = input('radio', group, 'upload');
    byDocument.className = 'tz-evidence-document';
    byUpload.className = 'tz-evidence-upload';
    byUpload.checked = true;
    var l1 = el('label', null, 'tz-check');
    l1.appendChild(byUpload);
    l1.appendChild(el('span', t('fromUpload')));
    var l2 = el('label', null, 'tz-check');
    l2.appendChild(byDocument);
    l2.appendChild(el('span', t('fromDocument')));
    kinds.appendChild(l1);
    kinds.appendChild(l2);
    box.appendChild(kinds);

    var upload = el('div', null, 'tz-evidence-upload-box');
    var file = input('file', 'file');
    file.accept = 'image/jpeg,image/png,application/pdf';
    upload.appendChild(labelled(t('file'), file));
    var title = input('text', 'file_title');
    title.maxLength = 300;
    upload.appendChild(labelled(t('fileTitle'), title));
    box.appendChild(upload);

    var range = el('div', null, 'tz-evidence-range-box');
    range.hidden = true;
    var doc = el('select');
    doc.name = 'document';
    range.appendChild(labelled(t('document'), doc));
    var findRow = el('div', null, 'tz-row');
    var phrase = input('search', 'phrase');
    phrase.placeholder = t('findPlaceholder');
    phrase.setAttribute('aria-label', t('findPlaceholder'));
    findRow.appendChild(phrase);
    var results = el('ul', null, 'tz-sentences');
    var start = input('number', 'start');
    var end = input('number', 'end');
    start.min = '0';
    end.min = '1';
    var preview = el('blockquote', null, 'tz-quote tz-preview');
    function chars() { return texts[doc.value] || null; }
    function showPreview() {
      var c = chars(), s = parseInt(start.value, 10), e = parseInt(end.value, 10);
      preview.textContent = c && s >= 0 && e > s ? c.slice(s, e).join('') : '';
    }
    function find() {
      clear(results);
      loadText().then(function () {  // the text may still be on its way
        var c = chars();
        if (!c) { return; }
        var found = sentencesWith(c, phrase.value.trim());
        if (!found.length) { results.appendChild(el('li', t('noMatch'), 'tz-note')); }
        found.forEach(function (s) {
          var li = el('li');
          li.appendChild(button(s.text, 'tz-link tz-sentence', function () {
            start.value = s.start;
            end.value = s.end;
            showPreview();
            clear(results);
          }));
          results.appendChild(li);
        });
      });
    }
    findRow.appendChild(button(t('find'), 'tz-small tz-find', find));
    phrase.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); find(); } });
    range.appendChild(findRow);
    range.appendChild(results);
    var offsets = el('div', null, 'tz-row');
    offsets.appendChild(labelled(t('start'), start));
    offsets.appendChild(labelled(t('end'), end));
    range.appendChild(offsets);
    range.appendChild(preview);
    box.appendChild(range);
    start.addEventListener('input', showPreview);
    end.addEventListener('input', showPreview);

    var loading = {};  // document id -> its text on its way
    function loadText() {
      var id = doc.value;
      if (!id || texts[id]) { showPreview(); return Promise.resolve(); }
      if (!loading[id]) {
        loading[id] = auth.fetch('/documents/' + encodeURIComponent(id) + '/text').then(function (r) {
          return r.ok ? r.text() : '';
        }).then(function (text) { texts[id] = Array.from(text); delete loading[id]; });
      }
      return loading[id].then(showPreview);
    }
    doc.addEventListener('change', function () { clear(results); loadText(); });
    function loadDocuments() {
      var ready = documents ? Promise.resolve(documents) : call('GET', '/documents').then(function (a) {
        documents = a.data;
        return documents;
      });
      return ready.then(function (list) {
        if (doc.options.length) { return null; }
        list.forEach(function (d) { doc.appendChild(new Option(d.title + '（' + d.date + '）', d.id)); });
        // The document that last spoke of the project is the likeliest source.
        var cited = (feature.properties.evidence || []).map(function (x) { return x.document; });
        var last = cited[cited.length - 1];
        if (last && list.some(function (d) { return d.id === last; })) { doc.value = last; }
        return loadText();
      });
    }
    function switchKind() {
      upload.hidden = !byUpload.checked;
      range.hidden = !byDocument.checked;
      if (byDocument.checked) { loadDocuments().catch(function () {}); }
    }
    byUpload.addEventListener('change', switchKind);
    byDocument.addEventListener('change', switchKind);

    return {
      node: box,
      // The evidence to send; an upload is made first, and becomes a document.
      value: function (message) {
        if (byUpload.checked) {
          if (!file.files.length) { return Promise.reject(new Error(t('chooseFile'))); }
          var form = new FormData();
          form.append('file', file.files[0]);
          var query = title.value.trim() ? '?title=' + encodeURIComponent(title.value.trim()) : '';
          say(message, t('uploading'));
          return call('POST', '/uploads' + query, form).then(function (a) { return { document: a.data.id }; });
        }
        var s = parseInt(start.value, 10), e = parseInt(end.value, 10);
        if (!doc.value || !(s >= 0) || !(e > s)) { return Promise.reject(new Error(t('chooseRange'))); }
        return Promise.resolve({ document: doc.value, start: s, end: e });
      }
    };
  }

  function editSection(feature) {
    var id = feature.id;
    var u = user();
    var reviewer = isReviewer(u);
    var etag = null;
    var node = el('section', null, 'tz-edit');
    node.appendChild(el('h3', t('edit')));
    var publish = null;
    if (reviewer) {
      publish = input('checkbox', 'publish');
      publish.checked = true;
      var l = el('label', null, 'tz-check tz-publish');
      l.appendChild(publish);
      l.appendChild(el('span', t('publishNow')));
      node.appendChild(l);
    } else {
      node.appendChild(el('p', t('editorNote'), 'tz-note'));
    }
    var message = el('div', null, 'tz-message');
    message.setAttribute('role', 'status');
    node.appendChild(message);

    function reread() {
      if (flash[id]) { say(message, flash[id].text, flash[id].kind); delete flash[id]; }
      return auth.fetch(itemUrl(id), { headers: { Accept: 'application/geo+json' }, cache: 'no-store' })
        .then(function (r) { etag = r.ok ? r.headers.get('ETag') : null; });
    }

    // Send a change against the version read, then reload the map and the panel. True once done.
    function send(method, path, body, form) {
      var query = reviewer && publish && !publish.checked ? '?approve=false' : '';
      return call(method, itemUrl(id) + path + query, body, { 'If-Match': etag || '' }).then(function (answer) {
        var state = answer.data.state;
        flash[id] = {
          text: state === 'approved' ? t('published') : reviewer ? t('queued') : t('submitted'),
          kind: 'ok'
        };
        sections = {};  // a fresh, empty form
        loadQueue();
        return tz.reload().then(function () { return true; });
      }).catch(function (error) {
        if (form) { form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = false; }); }
        if (error.status === 412) {
          // Reload: the panel shows what is true now, the form keeps what was typed.
          flash[id] = { text: t('stale'), kind: 'error' };
          return tz.reload().then(function () { return false; });
        }
        say(message, messageOf(error), 'error');
        return false;
      });
    }

    function fact(kind) {
      var details = el('details', null, 'tz-edit-' + kind);
      details.appendChild(el('summary', kind === 'event' ? t('reportEvent') : t('setTarget')));
      var form = el('form');
      form.noValidate = true;
      var year = input('number', 'year', tz.state.year);
      year.min = '2000';
      year.max = '2050';
      form.appendChild(labelled(t('year'), year));
      var current = kind === 'event' ? feature.properties.status : feature.properties.target_status;
      var status = select('status', tz.statuses, tz.statusName, current || 'planned');
      form.appendChild(labelled(t('status'), status));
      var milestone = null;
      if (kind === 'event') {
        milestone = input('text', 'milestone');
        milestone.maxLength = 200;
        form.appendChild(labelled(t('milestone'), milestone));
      }
      var note = el('textarea');
      note.name = 'note';
      note.rows = 2;
      note.maxLength = 2000;
      form.appendChild(labelled(t('note'), note));
      var evidence = evidenceField(feature);
      form.appendChild(evidence.node);
      var submit = el('button', reviewer ? t('publish') : t('submit'), 'tz-small tz-primary');
      submit.type = 'submit';
      form.appendChild(submit);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        submit.disabled = true;
        evidence.value(message).then(function (ev) {
          var body = { year: parseInt(year.value, 10), status: status.value, evidence: ev };
          if (milestone && milestone.value.trim()) { body.milestone = milestone.value.trim(); }
          if (note.value.trim()) { body.note = note.value.trim(); }
          say(message, t('sending'));
          return send('POST', kind === 'event' ? '/events' : '/targets', body, form);
        }).catch(function (error) {
          submit.disabled = false;
          say(message, error.status ? messageOf(error) : error.message, 'error');
        });
      });
      details.appendChild(form);
      return details;
    }

    node.appendChild(fact('event'));
    if (reviewer) {
      node.appendChild(fact('target'));
      node.appendChild(geometryEditor(feature, message, send));
      node.appendChild(retireForm(message, send));
    }
    return { node: node, reread: reread };
  }

  function retireForm(message, send) {
    var details = el('details', null, 'tz-edit-retire');
    details.appendChild(el('summary', t('retire')));
    var form = el('form');
    form.noValidate = true;
    var reason = input('text', 'reason');
    reason.maxLength = 500;
    form.appendChild(labelled(t('reason'), reason));
    var sure = input('checkbox', 'confirm');
    var l = el('label', null, 'tz-check');
    l.appendChild(sure);
    l.appendChild(el('span', t('confirmRetire')));
    form.appendChild(l);
    var submit = el('button', t('retire'), 'tz-small tz-danger');
    submit.type = 'submit';
    submit.disabled = true;
    sure.addEventListener('change', function () { submit.disabled = !sure.checked; });
    form.appendChild(submit);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!reason.value.trim()) { say(message, t('invalid', { detail: t('reason') }), 'error'); return; }
      submit.disabled = true;
      send('POST', '/retire', { reason: reason.value.trim() }, form).then(function () { submit.disabled = !sure.checked; });
    });
    details.appendChild(form);
    return details;
  }

  // --- the geometry, edited on the map with Leaflet-Geoman (loaded the first time) -------------

  var geoman = null;
  var editing = null;  // { group: the layers edited, feature }

  function loadGeoman() {
    if (!geoman) {
      geoman = new Promise(function (resolve, reject) {
        var css = el('link');
        css.rel = 'stylesheet';
        css.href = GEOMAN + '.css';
        document.head.appendChild(css);
        var script = el('script');
        script.src = GEOMAN + '.min.js';
        script.onload = function () {
          L.PM.setOptIn(true);  // only the layers made for editing take part, not the whole map
          if (!map.pm) { map.pm = new L.PM.Map(map); }
          map.pm.setGlobalOptions({ snappable: false });
          map.pm.setLang(lang());
          map.on('pm:create', function (e) {
            if (!editing) { map.removeLayer(e.layer); return; }
            e.layer.options.pmIgnore = false;
            editing.group.addLayer(e.layer);
            L.PM.reInitLayer(e.layer);
            e.layer.pm.enable();
          });
          resolve();
        };
        script.onerror = function () { geoman = null; reject(new Error(GEOMAN + '.min.js')); };
        document.head.appendChild(script);
      });
    }
    return geoman;
  }

  function stopGeometry() {
    if (!editing) { return; }
    if (map.pm) { map.pm.disableDraw(); }
    editing.group.eachLayer(function (layer) { if (layer.pm) { layer.pm.disable(); } });
    map.removeLayer(editing.group);
    editing = null;
    tz.setDrawing(false);
  }

  function startGeometry(feature, withShape) {
    return loadGeoman().then(function () {
      if (!editing || editing.id !== feature.id) {
        stopGeometry();
        editing = { id: feature.id, group: L.featureGroup().addTo(map) };
        tz.setDrawing(true);
      }
      if (withShape && feature.geometry && !editing.group.getLayers().length) {
        var editable = function (layer) {
          if (layer.getLayers) { layer.getLayers().forEach(editable); return; }  // a MultiPoint
          layer.options.pmIgnore = false;
          L.PM.reInitLayer(layer);
          editing.group.addLayer(layer);
          layer.pm.enable({ allowSelfIntersection: false });
        };
        L.geoJSON(feature.geometry, {
          coordsToLatLng: tz.toLatLng,
          style: function () { return { color: '#fd8d3c', weight: 4 }; }
        }).eachLayer(editable);
      }
    });
  }

  // The GeoJSON geometry of what is drawn, back in WGS84.
  function drawnGeometry() {
    if (!editing) { return null; }
    var parts = [];
    editing.group.eachLayer(function (layer) { parts.push(layer.toGeoJSON().geometry); });
    var back = function (c) {
      return typeof c[0] === 'number' ? tz.fromLatLng(L.latLng(c[1], c[0])) : c.map(back);
    };
    parts = parts.map(function (g) { return { type: g.type, coordinates: back(g.coordinates) }; });
    if (parts.length <= 1) { return parts[0] || null; }
    var base = parts[0].type.replace('Multi', '');
    if (!parts.every(function (g) { return g.type.replace('Multi', '') === base; })) { return null; }
    var coords = [];
    parts.forEach(function (g) {
      if (g.type.indexOf('Multi') === 0) { coords = coords.concat(g.coordinates); } else { coords.push(g.coordinates); }
    });
    return { type: 'Multi' + base, coordinates: coords };
  }

  function geometryEditor(feature, message, send) {
    var details = el('details', null, 'tz-edit-geometry');
    details.appendChild(el('summary', t('editGeometry')));
    var form = el('form');
    form.noValidate = true;
    var tools = el('div', null, 'tz-row tz-tools');
    function tool(text, cls, run) {
      tools.appendChild(button(text, 'tz-small ' + cls, function () {
        say(message, t('loadingEditor'));
        run().then(function () { say(message, t('editing')); }).catch(function (e) { say(message, messageOf(e), 'error'); });
      }));
    }
    if (feature.geometry) { tool(t('editShape'), 'tz-edit-shape', function () { return startGeometry(feature, true); }); }
    [['Marker', 'drawPoint'], ['Line', 'drawLine'], ['Polygon', 'drawPolygon']].forEach(function (d) {
      tool(t(d[1]), 'tz-draw-' + d[0].toLowerCase(), function () {
        return startGeometry(feature, false).then(function () {
          map.pm.enableDraw(d[0], { snappable: false, continueDrawing: false });
        });
      });
    });
    tools.appendChild(button(t('clearShape'), 'tz-small tz-clear-shape', function () {
      if (editing) { editing.group.clearLayers(); }
    }));
    form.appendChild(tools);
    var quality = select('geometry_quality', QUALITIES, tz.qualityName,
      feature.properties.geometry_quality === 'surveyed' ? 'surveyed' : 'approximate');
    form.appendChild(labelled(t('quality'), quality));
    var placement = input('text', 'placement');
    placement.maxLength = 1000;
    form.appendChild(labelled(t('placement'), placement));
    var cross = input('checkbox', 'cross_border');
    cross.checked = Boolean(feature.properties.cross_border);
    var l = el('label', null, 'tz-check');
    l.appendChild(cross);
    l.appendChild(el('span', t('crossBorder')));
    form.appendChild(l);
    var submit = el('button', t('saveGeometry'), 'tz-small tz-primary');
    submit.type = 'submit';
    form.appendChild(submit);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var unplaced = quality.value === 'unplaced';
      var geometry = unplaced ? null : drawnGeometry();
      if (!unplaced && !geometry) { say(message, t('needShape'), 'error'); return; }
      if (!placement.value.trim()) { say(message, t('needPlacement'), 'error'); placement.focus(); return; }
      submit.disabled = true;
      var body = { geometry: geometry, geometry_quality: quality.value, placement: placement.value.trim(),
                   cross_border: cross.checked };
      send('PUT', '/geometry', body, form).then(function (done) { if (done) { stopGeometry(); } });
    });
    details.appendChild(form);
    return details;
  }

  // --- start ---------------------------------------------------------------------------------

  drawAccount();
  document.body.setAttribute('data-user', user() ? user().username : '');  // for tests: who is in
  if (document.body.getAttribute('data-sign-in') === 'needed') { showSignIn(); }
  if (window.TZMAP_CONFIG.anonymousRead === false) {
    // Exports answer signed-in readers only: fetched with the token, opened from memory. (The
    // print dialog fetches its sheets through the session itself: static/map.js.)
    var exportLink = document.getElementById('tz-export');
    exportLink.setAttribute('download', 'tongzhou-projects.html');
    auth.link(exportLink);
  }
  pollQueue();
  window.tzedit = {
    editing: function () { return editing !== null; },
    drawnGeometry: drawnGeometry
  };
})();
