/* The project table under the map (the drawer's "table" pane): exactly the projects the map's
   filters select, the unplaced ones included, sortable, synced both ways with the map, and
   downloadable as CSV and Excel. It reads what static/map.js announces (tzmap:drawn,
   tzmap:project, tzmap:lang) and lends from window.tzmap; it keeps no data of its own.
   Text that comes from data is always set with textContent, never parsed as HTML. */
(function () {
  'use strict';

  var tzmap = window.tzmap;
  var pane = document.getElementById('tz-table-pane');
  if (!tzmap || !pane) { return; }
  var CFG = window.TZMAP_CONFIG || {};
  var XLSX_LIBRARY = '/static/vendor/write-excel-file/write-excel-file.min.js';
  var NOT_REPORTED = 'not_reported';
  var LIFECYCLE = [NOT_REPORTED].concat(tzmap.statuses);

  var T = {
    zh: {
      name: '名称', townships: '乡镇街道', category: '类别', statusActual: '状态（实际进展）',
      statusPlan: '状态（计划目标）', yearActual: '年份 · 进展', yearPlan: '计划年份',
      target: '目标（年份 · 状态）', behind: '滞后于计划', location: '位置', id: 'id',
      yes: '是', no: '否', count: '{n} 个项目', unplaced: '（其中 {n} 个未定位）',
      csv: '下载 CSV', xlsx: '下载 Excel (.xlsx)', sortBy: '按此列排序',
      sheet: '项目', failed: '下载失败：',
      sheetYearActual: '进展年份', sheetMilestone: '进展', sheetYearPlan: '计划年份',
      sheetTargetYear: '目标年份', sheetTargetStatus: '目标状态',
      empty: '当前筛选没有选中任何项目。', emptyNoStatus: '当前筛选没有选中任何项目：没有勾选任何状态。',
      emptyNoCategory: '当前筛选没有选中任何项目：没有勾选任何类别。',
      emptyBehind: '当前筛选下没有滞后于计划的项目。'
    },
    en: {
      name: 'Name', townships: 'Townships', category: 'Category', statusActual: 'Status (actual)',
      statusPlan: 'Status (plan)', yearActual: 'Year · milestone', yearPlan: 'Plan year',
      target: 'Target (year · status)', behind: 'Behind plan', location: 'Location', id: 'id',
      yes: 'yes', no: 'no', count: '{n} projects', unplaced: ' ({n} unplaced)',
      csv: 'Download CSV', xlsx: 'Download Excel (.xlsx)', sortBy: 'Sort by this column',
      sheet: 'Projects', failed: 'Download failed: ',
      sheetYearActual: 'Status year', sheetMilestone: 'Milestone', sheetYearPlan: 'Plan year',
      sheetTargetYear: 'Target year', sheetTargetStatus: 'Target status',
      empty: 'No project matches the current filters.',
      emptyNoStatus: 'No project matches the current filters: no status is chosen.',
      emptyNoCategory: 'No project matches the current filters: no category is chosen.',
      emptyBehind: 'No project in the current filters is behind plan.'
    }
  };

  var view = { projects: [], year: null, mode: 'actual', lang: 'zh', project: '' };
  var sort = { key: 'name', dir: 1 };
  var writing = false;  // an Excel file is being written: its button waits
  var collator = new Intl.Collator('zh-CN');

  function t(key, values) {
    var text = (T[view.lang] || T.zh)[key];
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(values[k]); });
    return text;
  }
  function el(tag, text, cls) { return tzmap.el(tag, text, cls); }

  // --- what a row shows --------------------------------------------------------------------

  function statusOf(f) { return tzmap.shownStatus(f) || NOT_REPORTED; }
  function rank(status) { return LIFECYCLE.indexOf(status || NOT_REPORTED); }
  function statusYear(f) {
    var p = f.properties;
    return view.mode === 'plan' ? p.planned_year : p.status_year;
  }
  function orNull(value) { return value === undefined ? null : value; }
  function nullsLast(a, b) {
    if (a === b) { return 0; }
    if (a === null || a === undefined) { return 1; }
    if (b === null || b === undefined) { return -1; }
    return a < b ? -1 : 1;
  }

  // Each column: its header, the text of its cell (the same text the downloads hold, unless the
  // column has cells of its own for them) and how two projects compare in ascending order.
  var COLUMNS = [
    {
      key: 'name', head: function () { return t('name'); },
      text: function (f) { return f.properties.name; },
      compare: function (a, b) { return collator.compare(a.properties.name, b.properties.name); }
    },
    {
      key: 'townships', head: function () { return t('townships'); },
      text: function (f) { return (f.properties.townships || []).join('、'); },
      compare: function (a, b) {
        return collator.compare((a.properties.townships || []).join('、'), (b.properties.townships || []).join('、'));
      }
    },
    {
      key: 'category', head: function () { return t('category'); },
      text: function (f) { return tzmap.categoryName(f.properties.category); },
      compare: function (a, b) {
        return collator.compare(tzmap.categoryName(a.properties.category), tzmap.categoryName(b.properties.category));
      }
    },
    {
      key: 'status', head: function () { return t(view.mode === 'plan' ? 'statusPlan' : 'statusActual'); },
      text: function (f) { return tzmap.statusName(statusOf(f)); },
      compare: function (a, b) { return rank(statusOf(a)) - rank(statusOf(b)); }
    },
    {
      key: 'year', head: function () { return t(view.mode === 'plan' ? 'yearPlan' : 'yearActual'); },
      text: function (f) {
        var year = statusYear(f);
        var milestone = view.mode === 'plan' ? null : f.properties.milestone;
        var parts = [];
        if (year !== null && year !== undefined) { parts.push(String(year)); }
        if (milestone) { parts.push(milestone); }
        return parts.length ? parts.join(' · ') : '—';
      },
      compare: function (a, b) {
        return nullsLast(statusYear(a), statusYear(b)) || rank(statusOf(a)) - rank(statusOf(b));
      },
      // A spreadsheet gets the year (a number, so it sorts and filters) and the milestone apart.
      sheetHeads: function () {
        return view.mode === 'plan' ? [t('sheetYearPlan')] : [t('sheetYearActual'), t('sheetMilestone')];
      },
      sheetCells: function (f) {
        var year = orNull(statusYear(f));
        return view.mode === 'plan' ? [year] : [year, f.properties.milestone || null];
      }
    },
    {
      key: 'target', head: function () { return t('target'); },
      text: function (f) {
        var p = f.properties;
        return p.target_status ? p.target_year + ' · ' + tzmap.statusName(p.target_status) : '—';
      },
      compare: function (a, b) {
        var p = a.properties, q = b.properties;
        return nullsLast(p.target_year, q.target_year) ||
          nullsLast(p.target_status ? rank(p.target_status) : null, q.target_status ? rank(q.target_status) : null);
      },
      sheetHeads: function () { return [t('sheetTargetYear'), t('sheetTargetStatus')]; },
      sheetCells: function (f) {
        var p = f.properties;
        return [orNull(p.target_year), p.target_status ? tzmap.statusName(p.target_status) : null];
      }
    },
    {
      key: 'behind', head: function () { return t('behind'); },
      text: function (f) { return f.properties.behind_plan ? t('yes') : t('no'); },
      compare: function (a, b) { return Number(Boolean(a.properties.behind_plan)) - Number(Boolean(b.properties.behind_plan)); }
    },
    {
      key: 'location', head: function () { return t('location'); },
      text: function (f) { return tzmap.qualityName(f.geometry ? f.properties.geometry_quality : 'unplaced'); },
      compare: function (a, b) {
        return Number(!a.geometry) - Number(!b.geometry) ||
          collator.compare(a.properties.geometry_quality || '', b.properties.geometry_quality || '');
      }
    }
  ];

  // The rows in the order shown: the chosen column, then the name and the id, so that equal
  // values keep one order; the second click on a header reverses the whole order.
  function sortedProjects() {
    var column = COLUMNS.filter(function (c) { return c.key === sort.key; })[0] || COLUMNS[0];
    return view.projects.slice().sort(function (a, b) {
      var order = column.compare(a, b) ||
        collator.compare(a.properties.name, b.properties.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return order * sort.dir;
    });
  }

  // --- the pane ----------------------------------------------------------------------------

  var tools = el('div', null, 'tz-table-tools');
  var count = el('div', null, 'tz-table-count');
  count.setAttribute('aria-live', 'polite');
  var csvButton = el('button', null, 'tz-table-download');
  csvButton.type = 'button';
  csvButton.id = 'tz-table-csv';
  var xlsxButton = el('button', null, 'tz-table-download');
  xlsxButton.type = 'button';
  xlsxButton.id = 'tz-table-xlsx';
  // A standalone file has no server to load the Excel writer from: it offers the CSV only.
  xlsxButton.hidden = Boolean(CFG.embedded);
  var message = el('span', null, 'tz-table-message');
  message.setAttribute('role', 'status');
  tools.appendChild(count);
  tools.appendChild(csvButton);
  tools.appendChild(xlsxButton);
  tools.appendChild(message);
  // Why the table is empty, when it is (tz-note: map.css's small grey note).
  var empty = el('p', null, 'tz-table-empty tz-note');
  empty.setAttribute('role', 'status');
  empty.hidden = true;
  var wrap = el('div', null, 'tz-table-wrap');
  var table = el('table', null, 'tz-table');
  table.id = 'tz-table';
  var thead = el('thead');
  var tbody = el('tbody');
  table.appendChild(thead);
  table.appendChild(tbody);
  wrap.appendChild(table);
  tzmap.clear(pane);
  pane.appendChild(tools);
  pane.appendChild(empty);
  pane.appendChild(wrap);

  function drawHead() {
    tzmap.clear(thead);
    var row = el('tr');
    COLUMNS.forEach(function (column) {
      var th = el('th');
      th.scope = 'col';
      th.setAttribute('data-key', column.key);
      th.setAttribute('aria-sort', sort.key === column.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none');
      var button = el('button', column.head(), 'tz-sort');
      button.type = 'button';
      button.title = t('sortBy');
      if (sort.key === column.key) { button.appendChild(el('span', sort.dir > 0 ? ' ▲' : ' ▼', 'tz-sort-mark')); }
      button.addEventListener('click', function () {
        sort = { key: column.key, dir: sort.key === column.key ? -sort.dir : 1 };
        draw();
      });
      th.appendChild(button);
      row.appendChild(th);
    });
    thead.appendChild(row);
  }

  function cell(row, column, f) {
    var td = el('td', null, 'tz-col-' + column.key);
    if (column.key === 'status') {
      var swatch = el('span', null, 'tz-table-swatch');
      swatch.style.background = tzmap.colours[statusOf(f)] || '#b0b0b0';
      td.appendChild(swatch);
      td.appendChild(el('span', column.text(f)));
    } else if (column.key === 'name') {
      td.appendChild(el('span', column.text(f), 'tz-table-name'));
      if (!f.geometry) { td.appendChild(el('span', tzmap.qualityName('unplaced'), 'tz-badge tz-unplaced-badge')); }
    } else if (column.key === 'location' && !f.geometry) {
      td.appendChild(el('span', column.text(f), 'tz-badge tz-unplaced-badge'));
    } else {
      td.textContent = column.text(f);
    }
    if (column.key === 'behind' && f.properties.behind_plan) { td.classList.add('tz-behind-yes'); }
    row.appendChild(td);
  }

  function drawBody(projects) {
    tzmap.clear(tbody);
    projects.forEach(function (f) {
      var row = el('tr');
      row.tabIndex = 0;
      row.setAttribute('data-id', f.id);
      row.setAttribute('data-status', statusOf(f));
      row.setAttribute('aria-selected', 'false');
      if (!f.geometry) { row.classList.add('tz-unplaced'); }
      COLUMNS.forEach(function (column) { cell(row, column, f); });
      tbody.appendChild(row);
    });
  }

  function draw() {
    var projects = sortedProjects();
    var unplaced = projects.filter(function (f) { return !f.geometry; }).length;
    var focused = focusedControl();
    count.textContent = t('count', { n: projects.length }) + (unplaced ? t('unplaced', { n: unplaced }) : '');
    count.setAttribute('data-count', projects.length);
    csvButton.textContent = t('csv');
    xlsxButton.textContent = t('xlsx');
    // Nothing to download from an empty table.
    csvButton.disabled = !projects.length;
    xlsxButton.disabled = !projects.length || writing;
    drawHead();
    drawBody(projects);
    mark(view.project, false);
    refocus(focused);
    explainEmpty(projects.length);
    pane.setAttribute('data-drawn', String(view.year));
  }

  // Drawing replaces the header and the rows: a keyboard user's focus goes back to the same
  // column's sort control (or the same project's row) rather than dropping to the page.
  function focusedControl() {
    var node = document.activeElement;
    if (!node || !table.contains(node)) { return null; }
    var th = thead.contains(node) && node.closest('th');
    if (th) { return { key: th.getAttribute('data-key') }; }
    var row = tbody.contains(node) && node.closest('tr');
    return row ? { id: row.getAttribute('data-id') } : null;
  }
  function refocus(focused) {
    if (!focused) { return; }
    if (focused.key) {
      var heads = thead.querySelectorAll('th');
      for (var i = 0; i < heads.length; i += 1) {
        if (heads[i].getAttribute('data-key') === focused.key) { heads[i].querySelector('button').focus(); return; }
      }
    } else {
      var row = rowOf(focused.id);
      if (row) { row.focus({ preventScroll: true }); }
    }
  }

  // An empty table says why: no status or no category chosen; behind plan when nothing can be
  // judged yet (the map's own test and words), or none of the selection is late; else the
  // filters select nothing.
  function explainEmpty(rows) {
    var state = tzmap.state;
    if (rows) { empty.hidden = true; empty.textContent = ''; return; }
    function say(text) {
      empty.textContent = text;
      empty.hidden = false;
    }
    if (!state.statuses.length) { say(t('emptyNoStatus')); return; }
    if (state.categories && !state.categories.length) { say(t('emptyNoCategory')); return; }
    if (!state.behind) { say(t('empty')); return; }
    say(tzmap.behindJudgeable() ? t('emptyBehind') : tzmap.behindNote());
  }

  // --- synced with the map -----------------------------------------------------------------

  function rowOf(id) {
    var rows = tbody.querySelectorAll('tr');
    for (var i = 0; i < rows.length; i += 1) { if (rows[i].getAttribute('data-id') === id) { return rows[i]; } }
    return null;
  }

  // Mark the open project's row; `reveal` scrolls the table (and only the table) to it.
  function mark(id, reveal) {
    Array.prototype.forEach.call(tbody.querySelectorAll('tr.tz-selected'), function (row) {
      row.classList.remove('tz-selected');
      row.setAttribute('aria-selected', 'false');
    });
    var row = id ? rowOf(id) : null;
    if (!row) { return; }
    row.classList.add('tz-selected');
    row.setAttribute('aria-selected', 'true');
    if (reveal) { scrollToRow(row); }
  }

  function scrollToRow(row) {
    var box = wrap.getBoundingClientRect();
    var r = row.getBoundingClientRect();
    var top = box.top + thead.getBoundingClientRect().height;
    if (r.top < top) { wrap.scrollTop -= top - r.top; }
    else if (r.bottom > box.bottom) { wrap.scrollTop += r.bottom - box.bottom; }
  }

  function open(row) {
    var id = row && row.getAttribute('data-id');
    if (id) { tzmap.openProject(id, true); }
  }
  tbody.addEventListener('click', function (e) { open(e.target.closest('tr')); });
  tbody.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') { return; }
    if (!e.target.matches('tr')) { return; }
    e.preventDefault();
    open(e.target);
  });

  document.addEventListener('tzmap:drawn', function (e) {
    var d = e.detail || {};
    view = { projects: d.projects || [], year: d.year, mode: d.mode, lang: d.lang, project: d.project || '' };
    draw();
  });
  document.addEventListener('tzmap:project', function (e) {
    view.project = (e.detail && e.detail.id) || '';
    mark(view.project, true);
  });
  document.addEventListener('tzmap:lang', function (e) {
    view.lang = (e.detail && e.detail.lang) || tzmap.state.lang;
    draw();
  });
  document.addEventListener('tzmap:tab', function (e) {
    if (e.detail && e.detail.tab === 'table') { mark(view.project, true); }
  });

  // --- downloads ---------------------------------------------------------------------------

  // The table as rows: a header, then the projects in the order shown; the id first, which is
  // how a GIS joins the rows back to the features. A cell the screen combines (year · milestone,
  // target year · status) is a column per value here, the years numbers and an absent value
  // null, so that a spreadsheet sorts and filters them.
  function sheet() {
    var rows = [[t('id')].concat(flat(COLUMNS.map(function (c) { return c.sheetHeads ? c.sheetHeads() : [c.head()]; })))];
    sortedProjects().forEach(function (f) {
      rows.push([f.id].concat(flat(COLUMNS.map(function (c) { return c.sheetCells ? c.sheetCells(f) : [c.text(f)]; }))));
    });
    return rows;
  }
  function flat(lists) { return [].concat.apply([], lists); }

  // Named after the view: year, plan, and the township's name when one is chosen.
  function fileName(ext) {
    var parts = ['tongzhou-projects', String(view.year)];
    if (view.mode === 'plan') { parts.push('plan'); }
    var place = townshipPart(tzmap.state.township);
    if (place) { parts.push(place); }
    return parts.join('-') + '.' + ext;
  }
  function townshipPart(code) {
    if (!code) { return ''; }
    var township = (tzmap.townships() || []).filter(function (f) { return f.properties.code === code; })[0];
    return safeName(township ? township.properties.name : '') || safeName(code);
  }
  // What no file system or browser takes in a name (path separators, reserved and control
  // characters) becomes one underscore a run, none at either end.
  function safeName(text) {
    return String(text || '').replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '_').replace(/^[_.\s]+|[_.\s]+$/g, '');
  }

  // RFC 4180, and a cell that a spreadsheet would read as a formula starts with an apostrophe.
  function csvCell(value) {
    var text = String(value === null || value === undefined ? '' : value);
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(url); document.body.removeChild(link); }, 1000);
  }

  csvButton.addEventListener('click', function () {
    var text = sheet().map(function (row) { return row.map(csvCell).join(','); }).join('\r\n') + '\r\n';
    // The byte order mark tells Excel the file is UTF-8, so the Chinese reads right.
    save(new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' }), fileName('csv'));
  });

  // The Excel writer is loaded from this server the first time it is wanted.
  var library = null;
  function excelWriter() {
    if (window.writeXlsxFile) { return Promise.resolve(window.writeXlsxFile); }
    if (!library) {
      library = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = XLSX_LIBRARY;
        script.onload = function () {
          if (window.writeXlsxFile) { resolve(window.writeXlsxFile); } else { reject(new Error(XLSX_LIBRARY)); }
        };
        script.onerror = function () { library = null; script.remove(); reject(new Error(XLSX_LIBRARY)); };
        document.head.appendChild(script);
      });
    }
    return library;
  }

  xlsxButton.addEventListener('click', function () {
    var rows = sheet();
    var name = fileName('xlsx');
    message.textContent = '';
    writing = true;
    xlsxButton.disabled = true;
    excelWriter().then(function (writeXlsxFile) {
      var data = rows.map(function (row, i) {
        return row.map(function (value) {
          if (i === 0) { return { value: value, fontWeight: 'bold' }; }
          if (value === null || value === '') { return null; }  // an empty cell
          return typeof value === 'number' ? { value: value, type: Number } : { value: value, type: String };
        });
      });
      var widths = rows[0].map(function (_, c) {
        var longest = rows.reduce(function (m, row) { return Math.max(m, String(row[c] === null ? '' : row[c]).length); }, 4);
        return { width: Math.min(60, longest * 2 + 2) };
      });
      // A large sheet is compressed in a worker from a blob: (the page's policy allows it).
      return writeXlsxFile(data, { columns: widths, sheet: t('sheet') }).toBlob();
    }).then(function (blob) {
      save(blob, name);
    }).catch(function (error) {
      message.textContent = t('failed') + (error && error.message ? error.message : String(error));
    }).then(function () {
      writing = false;
      xlsxButton.disabled = !view.projects.length;
    });
  });

  // map.js may have drawn before this script ran (the standalone file runs both at once).
  view = {
    projects: tzmap.selected(), year: tzmap.state.year, mode: tzmap.state.mode,
    lang: tzmap.state.lang, project: tzmap.state.project
  };
  draw();

  // For tests and the curious.
  window.tztable = { rows: sheet, sort: function () { return { key: sort.key, dir: sort.dir }; } };
})();
