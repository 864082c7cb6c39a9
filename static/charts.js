/* Charts of progress and what changed between two years: two panes of the drawer under the map.
   static/map.js draws the map and tells this script what it selects (tzmap:drawn); the charts
   are drawn with Chart.js, loaded from this server when the charts tab first opens (inlined in a
   standalone export, which reads its data from the page). Every chart has a caption and a
   visually hidden table with its numbers. Text is set with textContent only. */
(function () {
  'use strict';

  var tz = window.tzmap;
  if (!tz) { return; }
  var DATA = window.TZMAP_DATA || null;
  var CHART_URL = '/static/vendor/chartjs/chart.umd.min.js';
  // Statuses in the order a project goes through them: a move up this list is progress.
  var RANKS = ['not_reported'].concat(tz.statuses);
  var STARTED = RANKS.indexOf('under_construction');
  var DONE = RANKS.indexOf('completed');
  // The moves, their words and colours: app/vocab.py's, which the comparison print uses too.
  var MOVES = tz.vocabulary.moves;
  var MOVE_COLOURS = tz.vocabulary.moveColours;
  var LINE = '#222';

  var T = {
    zh: {
      wholeDistrict: '全区', filtered: '（筛选：{what}）', nCategories: '{n}个类别', behindOnly: '只看滞后',
      sep: '，', loading: '正在加载图表…', failed: '图表未能加载：{error}', empty: '当前筛选下没有项目。',
      statusByYear: '{scope}：各年底的项目状态。柱为年度报告所述的实际进展，线为按计划届时应达到的项目数。',
      noReport: '{years}年尚无年度报告：这些年份的柱（浅色斜线）只是重复{reported}年报告所述的状态。',
      beforeReports: '没有报告说明{years}年的进展：这些年份所有项目都是“尚无报告”，不是没有进展。',
      statusFilterIgnored: '此处不受“状态”筛选影响。',
      planStarted: '计划：应已开工及以后', planDone: '计划：应已完工及以后', actualDone: '实际：已完工及以后',
      year: '年份', total: '合计', note: '备注', noReportShort: '年报未出',
      byCategory: '{scope}：{year}年各类别的项目数（{mode}，共{n}个）。', categoryCol: '类别',
      actual: '实际进展', plan: '计划目标',
      programme: '{name}：已定位{located}个项目，其中{done}个已完工或投入使用（{year}年，{mode}）；{target}。',
      programmeTarget: '目标{count}{unit}（{year}年）', programmeNoTarget: '没有数量目标', stageCounted: '（按“{stage}”计）',
      reported: '报告所述{count}{unit}（{year}年）',
      targetBar: '目标（{unit}）', reportedBar: '报告所述（{unit}，{year}年）',
      locatedBar: '已定位项目', doneBar: '已完工/投入使用的项目', countCol: '数量', itemCol: '项',
      timeline: '{name}：各年状态。实线为报告所述的实际进展，虚线为计划届时应达到的状态，三角为计划目标。',
      timelineAfter: '{reported}年以后尚无报告，实线只是延续{reported}年的状态。',
      actualCol: '实际', planCol: '计划', targetCol: '目标', targetsLine: '计划目标',
      chartLabel: '{caption} 数据：{numbers}',
      from: '从', to: '到', changesCaption: '{scope}：{from}年至{to}年报告所述状态有变化的项目共{n}个。',
      printChanges: '打印此对比…', printOrder: '打印对比时，“从”的年份须早于“到”的年份。',
      projectCol: '项目', townshipCol: '乡镇街道', statusIn: '{year}年状态', moveCol: '变化',
      noChanges: '当前筛选下，这两年之间没有状态变化的项目。', sameYear: '请选择两个不同的年份。',
      changesNoReport: '{years}年尚无年度报告：其状态为{reported}年报告所述及此后审核通过的更新。',
      openHint: '点击一行可在地图上打开该项目。', noTimeline: '（无记录）'
    },
    en: {
      wholeDistrict: 'Whole district', filtered: ' (filtered: {what})', nCategories: '{n} categories',
      behindOnly: 'behind plan only', sep: ', ', loading: 'Loading the charts…',
      failed: 'The charts could not be loaded: {error}', empty: 'No project matches the filters.',
      statusByYear: '{scope}: projects by status at the end of each year. Bars: the status as reported; lines: how many the plan requires by then.',
      noReport: 'No annual report covers {years} yet: those bars (light, hatched) only repeat the statuses reported for {reported}.',
      beforeReports: 'No report tells the progress of {years}: every project is "not reported yet" then, which does not mean nothing moved.',
      statusFilterIgnored: 'The status filter does not apply here.',
      planStarted: 'Plan: started or beyond', planDone: 'Plan: completed or beyond',
      actualDone: 'Actual: completed or beyond', year: 'Year', total: 'Total', note: 'Note',
      noReportShort: 'no report yet',
      byCategory: '{scope}: projects by category in {year} ({mode}, {n} in all).', categoryCol: 'Category',
      actual: 'actual', plan: 'plan',
      programme: '{name}: {located} projects located, {done} of them completed or in service ({year}, {mode}); {target}.',
      programmeTarget: 'target {count} {unit} by {year}', programmeNoTarget: 'no count target', stageCounted: ' (counting projects {stage})',
      reported: 'reported {count} {unit} ({year})',
      targetBar: 'Target ({unit})', reportedBar: 'Reported ({unit}, {year})',
      locatedBar: 'Projects located', doneBar: 'Projects completed or in service', countCol: 'Count',
      itemCol: 'Item',
      timeline: '{name}: status by year. Solid line: as reported; dashed line: what the plan requires by then; triangles: the plan\'s targets.',
      timelineAfter: 'No report covers the years after {reported} yet: the solid line only carries the {reported} status on.',
      actualCol: 'Actual', planCol: 'Plan', targetCol: 'Target', targetsLine: 'Targets',
      chartLabel: '{caption} Numbers: {numbers}',
      from: 'From', to: 'to', changesCaption: '{scope}: {n} projects changed their reported status between {from} and {to}.',
      printChanges: 'Print this comparison…', printOrder: 'To print a comparison, "from" must be the earlier year.',
      projectCol: 'Project', townshipCol: 'Township', statusIn: 'Status in {year}', moveCol: 'Change',
      noChanges: 'No project within the filters changed status between these two years.',
      sameYear: 'Choose two different years.',
      changesNoReport: 'No annual report covers {years} yet: the statuses shown are those reported for {reported} and the updates approved since.',
      openHint: 'Click a row to open the project on the map.', noTimeline: '(none)'
    }
  };

  function lang() { return tz.state.lang === 'en' ? 'en' : 'zh'; }
  function t(key, values) {
    var text = T[lang()][key] || T.zh[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(values[k]); });
    return text;
  }
  var el = tz.el;
  var clear = tz.clear;
  function statusOf(value) { return value || 'not_reported'; }
  function rank(value) { return RANKS.indexOf(statusOf(value)); }
  // Reported statuses and plans are named as such whatever the map's mode.
  function actualName(status) { return tz.statusName(status, 'actual'); }
  function planName(status) { return tz.statusName(status, 'plan'); }
  function years() { return tz.years.slice(); }
  function reported() { return tz.reportedYear(); }
  function unreported(year) { return reported() !== null && year > reported(); }
  function yearSpan(list) {
    if (!list.length) { return ''; }
    return list.length === 1 ? String(list[0]) : list[0] + '–' + list[list.length - 1];
  }

  // --- the selection ---------------------------------------------------------------------------

  // The current filters but the status one: the charts over years and the comparison are about
  // status, so they count every status of the projects the other filters select, in each year.
  function selects(feature) { return tz.matches(feature, { ignoreStatus: true }); }
  function statusFiltered() { return tz.state.statuses.length < RANKS.length; }

  function programmeOf(id) {
    return tz.programmes().filter(function (f) { return f.id === id; })[0] || null;
  }

  function scope() {
    var s = tz.state;
    var town = tz.townships().filter(function (f) { return f.properties.code === s.township; })[0];
    var name = s.township ? (town ? town.properties.name : s.township) : t('wholeDistrict');
    var what = [];
    if (Array.isArray(s.categories)) { what.push(t('nCategories', { n: s.categories.length })); }
    if (s.programme) {
      var prog = programmeOf(s.programme);
      what.push(prog ? prog.properties.name : s.programme);
    }
    if (s.behind) { what.push(t('behindOnly')); }
    return what.length ? name + t('filtered', { what: what.join(t('sep')) }) : name;
  }

  // The years before any report states a status: every project is "not reported" then, for want
  // of a report, not of progress.
  function beforeReports(byYear) {
    var list = years();
    var first = list.filter(function (y) {
      return byYear[y].some(function (f) { return f.properties.status; });
    })[0];
    return list.filter(function (y) { return first === undefined || y < first; });
  }

  // Every year's features, from the page's cache (or the data a standalone file embeds).
  function allYears() {
    var list = years();
    return Promise.all(list.map(function (y) { return tz.projectsOf(y); })).then(function (r) {
      var byYear = {};
      list.forEach(function (y, i) { byYear[y] = r[i]; });
      return byYear;
    });
  }

  function timelineOf(id) {
    if (DATA) { return Promise.resolve(DATA['timeline:' + id] || []); }
    var url = '/api/projects/' + encodeURIComponent(id) + '/timeline';
    var options = { headers: { Accept: 'application/json' } };
    var answer = window.tzAuth ? window.tzAuth.fetch(url, options) : fetch(url, options);
    return answer.then(function (r) {
      if (!r.ok) { throw new Error(url + ': ' + r.status); }
      return r.json();
    });
  }

  // --- Chart.js, loaded once, when first needed ------------------------------------------------

  var chartLibrary = null;
  function loadChartJs() {
    if (window.Chart) { return Promise.resolve(window.Chart); }
    if (!chartLibrary) {
      chartLibrary = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = CHART_URL;
        script.onload = function () {
          if (window.Chart) { resolve(window.Chart); } else { reject(new Error(CHART_URL)); }
        };
        script.onerror = function () { chartLibrary = null; reject(new Error(CHART_URL)); };
        document.head.appendChild(script);
      });
    }
    return chartLibrary;
  }

  // A light, hatched version of a colour: a year no report covers yet.
  var hatches = {};
  function hatch(colour) {
    if (!hatches[colour]) {
      var size = 8;
      var canvas = document.createElement('canvas');
      canvas.width = size;
      canvas.height = size;
      var g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, size, size);
      g.globalAlpha = 0.35;
      g.fillStyle = colour;
      g.fillRect(0, 0, size, size);
      g.globalAlpha = 1;
      g.strokeStyle = colour;
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(0, size); g.lineTo(size, 0);
      g.moveTo(-2, 2); g.lineTo(2, -2);
      g.moveTo(size - 2, size + 2); g.lineTo(size + 2, size - 2);
      g.stroke();
      hatches[colour] = g.createPattern(canvas, 'repeat');
    }
    return hatches[colour];
  }

  var charts = [];
  function destroyCharts() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
  }

  // A figure: the canvas (an image labelled with its numbers), the caption, and a table with the
  // same numbers for those who cannot see the canvas.
  function figure(name, captionLines, head, rows, height) {
    var fig = el('figure', null, 'tz-chart tz-chart-' + name);
    fig.setAttribute('data-chart', name);
    var box = el('div', null, 'tz-chart-box');
    box.style.height = height + 'px';
    var canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    var numbers = rows.map(function (row) {
      return row.cells.map(function (cell, i) {
        return i === 0 ? cell.text : head[i] + ' ' + cell.text;
      }).join(' ');
    }).join('; ');
    canvas.setAttribute('aria-label', t('chartLabel', { caption: captionLines.join(' '), numbers: numbers }));
    box.appendChild(canvas);
    var caption = el('figcaption');
    captionLines.forEach(function (line, i) {
      caption.appendChild(el('span', line, i ? 'tz-chart-note' : 'tz-chart-caption'));
    });
    fig.appendChild(caption);
    fig.appendChild(box);
    var table = el('table', null, 'tz-sr');
    table.setAttribute('data-chart', name);
    table.appendChild(el('caption', captionLines.join(' ')));
    var thead = el('tr');
    head.forEach(function (text, i) {
      var th = el('th', text);
      th.setAttribute('scope', 'col');
      if (i > 0 && rows[0] && rows[0].cells[i] && rows[0].cells[i].key) {
        th.setAttribute('data-key', rows[0].cells[i].key);
      }
      thead.appendChild(th);
    });
    table.appendChild(thead);
    rows.forEach(function (row) {
      var tr = el('tr');
      Object.keys(row.data || {}).forEach(function (k) { tr.setAttribute('data-' + k, row.data[k]); });
      row.cells.forEach(function (cell, i) {
        var td = el(i === 0 ? 'th' : 'td', cell.text);
        if (i === 0) { td.setAttribute('scope', 'row'); }
        if (cell.key) { td.setAttribute('data-key', cell.key); }
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    fig.appendChild(table);
    return { node: fig, canvas: canvas };
  }

  function baseOptions() {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: {
          position: 'bottom',
          labels: { boxWidth: 10, font: { size: 11 }, sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } }
        }
      }
    };
  }

  // --- 1. counts by status per year, and the plan -----------------------------------------------

  function statusByYear(byYear) {
    var list = years();
    var counts = {};
    list.forEach(function (y) {
      var c = { total: 0, actualDone: 0, planStarted: 0, planDone: 0 };
      RANKS.forEach(function (s) { c[s] = 0; });
      byYear[y].filter(selects).forEach(function (f) {
        var p = f.properties;
        c[statusOf(p.status)] += 1;
        c.total += 1;
        if (rank(p.status) >= DONE) { c.actualDone += 1; }
        if (p.planned_status && rank(p.planned_status) >= STARTED) { c.planStarted += 1; }
        if (p.planned_status && rank(p.planned_status) >= DONE) { c.planDone += 1; }
      });
      counts[y] = c;
    });
    var later = list.filter(unreported);
    var earlier = beforeReports(byYear);
    var lines = [t('statusByYear', { scope: scope() })];
    if (earlier.length) { lines.push(t('beforeReports', { years: yearSpan(earlier) })); }
    if (later.length) { lines.push(t('noReport', { years: yearSpan(later), reported: reported() })); }
    if (statusFiltered()) { lines.push(t('statusFilterIgnored')); }
    var head = [t('year')].concat(RANKS.map(actualName), [t('total'), t('actualDone'), t('planStarted'), t('planDone'), t('note')]);
    var rows = list.map(function (y) {
      var c = counts[y];
      var cells = [{ text: String(y) }];
      RANKS.forEach(function (s) { cells.push({ text: String(c[s]), key: s }); });
      cells.push({ text: String(c.total), key: 'total' });
      cells.push({ text: String(c.actualDone), key: 'actual_done' });
      cells.push({ text: String(c.planStarted), key: 'plan_started' });
      cells.push({ text: String(c.planDone), key: 'plan_done' });
      cells.push({ text: unreported(y) ? t('noReportShort') : '', key: 'note' });
      return { cells: cells, data: { year: y, 'no-report': unreported(y) ? 'true' : 'false' } };
    });
    var fig = figure('status-by-year', lines, head, rows, 230);
    var labels = list.map(String);
    var datasets = RANKS.map(function (s) {
      var colour = tz.colours[s];
      return {
        type: 'bar', label: actualName(s), stack: 'actual', order: 2,
        data: list.map(function (y) { return counts[y][s]; }),
        backgroundColor: function (ctx) {
          return ctx.dataIndex !== undefined && unreported(list[ctx.dataIndex]) ? hatch(colour) : colour;
        },
        borderColor: colour, borderWidth: 1
      };
    });
    datasets.push({
      type: 'line', label: t('planStarted'), stack: 'plan-started', order: 1,
      data: list.map(function (y) { return counts[y].planStarted; }),
      borderColor: LINE, backgroundColor: '#fff', borderDash: [6, 4], borderWidth: 2,
      pointStyle: 'triangle', pointRadius: 4
    });
    datasets.push({
      type: 'line', label: t('planDone'), stack: 'plan-done', order: 0,
      data: list.map(function (y) { return counts[y].planDone; }),
      borderColor: LINE, backgroundColor: LINE, borderWidth: 2, pointRadius: 3
    });
    var options = baseOptions();
    options.scales = {
      x: {
        stacked: true,
        ticks: {
          callback: function (value, index) {
            var y = list[index];
            return unreported(y) ? [String(y), t('noReportShort')] : String(y);
          }
        }
      },
      y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
    };
    return { fig: fig, config: { type: 'bar', data: { labels: labels, datasets: datasets }, options: options } };
  }

  // --- 2. counts by category, this year, as the map shows it -------------------------------------

  function byCategory() {
    var s = tz.state;
    var projects = tz.selected();
    var counts = {};
    projects.forEach(function (f) {
      var c = f.properties.category;
      if (!counts[c]) {
        counts[c] = { total: 0 };
        RANKS.forEach(function (r) { counts[c][r] = 0; });
      }
      counts[c][tz.shownStatus(f)] += 1;
      counts[c].total += 1;
    });
    var categories = Object.keys(counts).sort(function (a, b) {
      return counts[b].total - counts[a].total || (a < b ? -1 : 1);
    });
    var mode = s.mode === 'plan' ? t('plan') : t('actual');
    var lines = [t('byCategory', { scope: scope(), year: s.year, mode: mode, n: projects.length })];
    var hatched = s.mode === 'actual' && unreported(s.year);
    if (hatched) { lines.push(t('noReport', { years: s.year, reported: reported() })); }
    var head = [t('categoryCol')].concat(RANKS.map(function (r) { return tz.statusName(r); }), [t('total')]);
    var rows = categories.map(function (c) {
      var cells = [{ text: tz.categoryName(c) }];
      RANKS.forEach(function (r) { cells.push({ text: String(counts[c][r]), key: r }); });
      cells.push({ text: String(counts[c].total), key: 'total' });
      return { cells: cells, data: { category: c } };
    });
    var fig = figure('by-category', lines, head, rows, Math.max(120, 18 * categories.length + 60));
    var datasets = RANKS.map(function (r) {
      var colour = tz.colours[r];
      return {
        label: tz.statusName(r), data: categories.map(function (c) { return counts[c][r]; }),
        backgroundColor: hatched ? hatch(colour) : colour, borderColor: colour, borderWidth: 1
      };
    }).filter(function (d) { return d.data.some(function (v) { return v > 0; }); });
    var options = baseOptions();
    options.indexAxis = 'y';
    options.scales = {
      x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      y: { stacked: true, ticks: { autoSkip: false, font: { size: 11 } } }
    };
    return {
      fig: fig,
      config: { type: 'bar', data: { labels: categories.map(tz.categoryName), datasets: datasets }, options: options }
    };
  }

  // --- 3. a programme against its target ----------------------------------------------------------

  function programmeProgress(byYear) {
    var s = tz.state;
    var prog = programmeOf(s.programme);
    if (!prog) { return null; }
    var props = prog.properties;
    // The whole programme, whatever the township: its target is the whole programme's.
    var members = (byYear[s.year] || []).filter(function (f) {
      return (f.properties.programmes || []).indexOf(prog.id) >= 0;
    });
    var located = members.filter(function (f) { return f.geometry; }).length;
    var done = members.filter(function (f) { return rank(tz.shownStatus(f)) >= DONE; }).length;
    var unit = props.unit || '';
    var latest = (props.progress || []).filter(function (p) {
      return p.kind === 'actual' && p.year <= s.year && typeof p.count === 'number';
    }).sort(function (a, b) { return b.year - a.year || b.count - a.count; })[0];
    var target = props.target_count
      ? t('programmeTarget', { count: props.target_count, unit: unit, year: props.target_year })
      : t('programmeNoTarget');
    if (props.stage) { target += t('stageCounted', { stage: tz.programmeStageName(props.stage) }); }
    if (latest) {
      target += t('sep') + t('reported', { count: latest.count, unit: unit, year: latest.year });
      // The reports' notes say what was counted; they are in English.
      if (lang() === 'en' && latest.note) { target += ': ' + latest.note; }
    }
    var mode = s.mode === 'plan' ? t('plan') : t('actual');
    var lines = [t('programme', { name: props.name, located: located, done: done, year: s.year, mode: mode, target: target })];
    var items = [];
    if (props.target_count) {
      items.push({ key: 'target', label: t('targetBar', { unit: unit }), value: props.target_count, colour: '#bdbdbd' });
    }
    if (latest) {
      items.push({ key: 'reported', label: t('reportedBar', { unit: unit, year: latest.year }), value: latest.count, colour: '#6baed6' });
    }
    items.push({ key: 'located', label: t('locatedBar'), value: located, colour: '#737373' });
    items.push({ key: 'done', label: t('doneBar'), value: done, colour: tz.colours.completed });
    var rows = items.map(function (item) {
      return { cells: [{ text: item.label }, { text: String(item.value), key: 'count' }], data: { item: item.key } };
    });
    var fig = figure('programme', lines, [t('itemCol'), t('countCol')], rows, 40 + 26 * items.length);
    fig.node.setAttribute('data-programme', prog.id);
    var options = baseOptions();
    options.indexAxis = 'y';
    options.plugins.legend = { display: false };
    options.scales = { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { font: { size: 11 } } } };
    return {
      fig: fig,
      config: {
        type: 'bar',
        data: {
          labels: items.map(function (i) { return i.label; }),
          datasets: [{
            data: items.map(function (i) { return i.value; }),
            backgroundColor: items.map(function (i) { return i.colour; })
          }]
        },
        options: options
      }
    };
  }

  // --- 4. the open project's timeline: actual against plan and targets ------------------------------

  function projectTimeline(byYear, id, timeline) {
    var list = years();
    var features = {};
    list.forEach(function (y) {
      features[y] = (byYear[y] || []).filter(function (f) { return f.id === id; })[0] || null;
    });
    var any = features[tz.state.year] || list.map(function (y) { return features[y]; }).filter(Boolean)[0];
    if (!any) { return null; }
    var events = (timeline || []).filter(function (r) { return r.kind === 'event'; });
    var targets = (timeline || []).filter(function (r) { return r.kind === 'target'; });
    var actual = list.map(function (y) { return features[y] ? rank(features[y].properties.status) : null; });
    var planned = list.map(function (y) {
      var p = features[y] && features[y].properties.planned_status;
      return p ? rank(p) : null;
    });
    var targetPoints = list.map(function (y) {
      var due = targets.filter(function (r) { return r.year === y; });
      return due.length ? Math.max.apply(null, due.map(function (r) { return rank(r.status); })) : null;
    });
    var lines = [t('timeline', { name: any.properties.name })];
    if (list.some(unreported)) { lines.push(t('timelineAfter', { reported: reported() })); }
    var head = [t('year'), t('actualCol'), t('planCol'), t('targetCol')];
    var rows = list.map(function (y, i) {
      var milestones = events.filter(function (r) { return r.year === y && r.milestone; })
        .map(function (r) { return r.milestone; });
      var actualText = actual[i] === null ? '—' : actualName(RANKS[actual[i]]);
      if (milestones.length) { actualText += '（' + milestones.join('；') + '）'; }
      if (unreported(y)) { actualText += ' · ' + t('noReportShort'); }
      var due = targets.filter(function (r) { return r.year === y; })
        .map(function (r) { return planName(r.status); });
      return {
        cells: [
          { text: String(y) },
          { text: actualText, key: 'actual' },
          { text: planned[i] === null ? '—' : planName(RANKS[planned[i]]), key: 'plan' },
          { text: due.length ? due.join('、') : '—', key: 'target' }
        ],
        data: { year: y, actual: actual[i] === null ? '' : RANKS[actual[i]] }
      };
    });
    var fig = figure('timeline', lines, head, rows, 210);
    fig.node.setAttribute('data-project', id);
    var lastReported = reported() === null ? list.length - 1 : list.indexOf(reported());
    var datasets = [
      {
        label: t('actualCol'), data: actual, stepped: true, borderColor: LINE, borderWidth: 2,
        pointRadius: 5, spanGaps: true, clip: false,
        pointBackgroundColor: actual.map(function (r) { return r === null ? '#fff' : tz.colours[RANKS[r]]; }),
        pointBorderColor: LINE,
        segment: {
          borderDash: function (ctx) { return lastReported >= 0 && ctx.p1DataIndex > lastReported ? [2, 3] : undefined; },
          borderColor: function (ctx) { return lastReported >= 0 && ctx.p1DataIndex > lastReported ? '#999' : undefined; }
        }
      },
      {
        label: t('planCol'), data: planned, stepped: true, borderColor: '#777', borderDash: [6, 4],
        borderWidth: 2, pointRadius: 0, spanGaps: false, clip: false
      },
      {
        label: t('targetsLine'), data: targetPoints, showLine: false, pointStyle: 'triangle',
        pointRadius: 7, borderColor: '#d7301f', backgroundColor: '#d7301f', clip: false
      }
    ];
    var options = baseOptions();
    options.layout = { padding: { top: 10, right: 8 } };
    options.scales = {
      y: {
        min: 0, max: RANKS.length - 1,
        ticks: { stepSize: 1, callback: function (v) { return RANKS[v] ? actualName(RANKS[v]) : ''; }, font: { size: 11 } }
      }
    };
    options.plugins.tooltip = {
      callbacks: {
        label: function (ctx) {
          var name = ctx.datasetIndex === 0 ? actualName : planName;
          return ctx.dataset.label + ': ' + name(RANKS[ctx.parsed.y]);
        }
      }
    };
    return { fig: fig, config: { type: 'line', data: { labels: list.map(String), datasets: datasets }, options: options } };
  }

  // --- the charts pane ---------------------------------------------------------------------------

  var chartsRun = 0;
  function drawCharts() {
    var pane = document.getElementById('tz-charts-pane');
    var run = ++chartsRun;
    pane.setAttribute('aria-busy', 'true');
    pane.removeAttribute('data-ready');
    if (!pane.firstChild) { pane.appendChild(el('p', t('loading'), 'tz-note')); }
    var id = tz.state.project;
    Promise.all([loadChartJs(), allYears(), id ? timelineOf(id).catch(function () { return []; }) : null])
      .then(function (r) {
        if (run !== chartsRun) { return; }
        var Chart = r[0];
        var byYear = r[1];
        destroyCharts();
        clear(pane);
        var grid = el('div', null, 'tz-charts');
        var parts = [statusByYear(byYear), byCategory()];
        if (tz.state.programme) { parts.push(programmeProgress(byYear)); }
        if (id) { parts.push(projectTimeline(byYear, id, r[2])); }
        parts = parts.filter(Boolean);
        parts.forEach(function (part) { grid.appendChild(part.fig.node); });
        pane.appendChild(grid);
        parts.forEach(function (part) { charts.push(new Chart(part.fig.canvas, part.config)); });
        finish(pane);
      })
      .catch(function (error) {
        if (run !== chartsRun) { return; }
        clear(pane);
        pane.appendChild(el('p', t('failed', { error: error.message || String(error) }), 'tz-note'));
        pane.removeAttribute('aria-busy');
        pane.setAttribute('data-failed', 'true');
      });
  }

  // What the pane shows now, on the pane, for tests and styles: it is up to date when these
  // match the map's state.
  function finish(pane) {
    var s = tz.state;
    pane.removeAttribute('aria-busy');
    pane.removeAttribute('data-failed');
    pane.setAttribute('data-lang', s.lang);
    pane.setAttribute('data-year', s.year);
    pane.setAttribute('data-township', s.township || '');
    pane.setAttribute('data-programme', s.programme || '');
    pane.setAttribute('data-project', s.project || '');
    pane.setAttribute('data-ready', 'true');
  }

  // --- what changed between two years --------------------------------------------------------------

  var compare = { from: null, to: null };
  function defaultYears() {
    var list = years();
    var to = reported() !== null && list.indexOf(reported()) >= 0 ? reported() : list[1];
    var from = list[Math.max(0, list.indexOf(to) - 1)];
    if (from === to) { to = list[1]; }
    compare.from = from;
    compare.to = to;
  }

  function moveOf(from, to) {
    var a = rank(from);
    var b = rank(to);
    if (a === b) { return null; }
    if (a === 0) { return 'new'; }
    if (b === 0) { return 'dropped'; }
    return b > a ? 'advanced' : 'back';
  }

  function moveName(move) { return tz.vocabulary.moveNames[lang()][move]; }

  function swatch(colour) {
    var node = el('span', null, 'tz-swatch');
    node.style.background = colour;
    node.setAttribute('aria-hidden', 'true');
    return node;
  }

  function yearSelect(id, value, onChange) {
    var select = el('select');
    select.id = id;
    years().forEach(function (y) { select.appendChild(new Option(String(y), String(y))); });
    select.value = String(value);
    select.addEventListener('change', function () { onChange(parseInt(select.value, 10)); });
    return select;
  }

  function statusCell(status) {
    var td = el('td', null, 'tz-status-cell');
    td.setAttribute('data-status', statusOf(status));
    td.appendChild(swatch(tz.colours[statusOf(status)]));
    td.appendChild(el('span', actualName(statusOf(status))));
    return td;
  }

  var changesRun = 0;
  function drawChanges() {
    var pane = document.getElementById('tz-changes-pane');
    var run = ++changesRun;
    if (compare.from === null) { defaultYears(); }
    pane.setAttribute('aria-busy', 'true');
    pane.removeAttribute('data-ready');
    allYears().then(function (byYear) {
      if (run !== changesRun) { return; }
      var from = compare.from;
      var to = compare.to;
      var before = {};
      (byYear[from] || []).forEach(function (f) { before[f.id] = f; });
      var after = {};
      (byYear[to] || []).forEach(function (f) { after[f.id] = f; });
      var ids = Object.keys(before);
      Object.keys(after).forEach(function (i) { if (!before[i]) { ids.push(i); } });
      var moved = [];
      ids.forEach(function (i) {
        var a = before[i];
        var b = after[i];
        if (!(a && selects(a)) && !(b && selects(b))) { return; }
        var move = moveOf(a && a.properties.status, b && b.properties.status);
        if (!move) { return; }
        moved.push({ id: i, feature: b || a, from: statusOf(a && a.properties.status), to: statusOf(b && b.properties.status), move: move });
      });
      var collator = new Intl.Collator(lang() === 'en' ? 'en' : 'zh-CN');
      moved.sort(function (x, y) {
        return MOVES.indexOf(x.move) - MOVES.indexOf(y.move) || rank(y.to) - rank(x.to) ||
          collator.compare(x.feature.properties.name, y.feature.properties.name);
      });

      clear(pane);
      var controls = el('div', null, 'tz-changes-controls');
      var fromLabel = el('label', t('from') + ' ');
      fromLabel.appendChild(yearSelect('tz-changes-from', from, function (y) { compare.from = y; drawChanges(); }));
      var toLabel = el('label', ' ' + t('to') + ' ');
      toLabel.appendChild(yearSelect('tz-changes-to', to, function (y) { compare.to = y; drawChanges(); }));
      controls.appendChild(fromLabel);
      controls.appendChild(el('span', '→', 'tz-changes-arrow'));
      controls.appendChild(toLabel);
      var counts = el('ul', null, 'tz-move-counts');
      MOVES.forEach(function (m) {
        var n = moved.filter(function (x) { return x.move === m; }).length;
        var item = el('li', null, 'tz-move-count');
        item.setAttribute('data-move', m);
        item.setAttribute('data-count', n);
        item.appendChild(swatch(MOVE_COLOURS[m]));
        item.appendChild(el('span', moveName(m) + ' ' + n));
        counts.appendChild(item);
      });
      controls.appendChild(counts);
      if (tz.canPrint()) { controls.appendChild(printButton(from, to, moved.length)); }
      pane.appendChild(controls);
      if (tz.canPrint() && from > to) { pane.appendChild(el('p', t('printOrder'), 'tz-note')); }

      var caption = t('changesCaption', { scope: scope(), from: from, to: to, n: moved.length });
      pane.appendChild(el('p', caption, 'tz-changes-caption'));
      var earlier = beforeReports(byYear).filter(function (y) { return y === from || y === to; });
      if (earlier.length) {
        pane.appendChild(el('p', t('beforeReports', { years: earlier.join(t('sep')) }), 'tz-note'));
      }
      var later = [from, to].filter(unreported).sort();
      later = later.filter(function (y, i) { return later.indexOf(y) === i; });
      if (later.length) {
        pane.appendChild(el('p', t('changesNoReport', { years: later.join(t('sep')), reported: reported() }), 'tz-note'));
      }
      if (statusFiltered()) { pane.appendChild(el('p', t('statusFilterIgnored'), 'tz-note')); }
      if (from === to) {
        pane.appendChild(el('p', t('sameYear'), 'tz-note'));
      } else if (!moved.length) {
        pane.appendChild(el('p', t('noChanges'), 'tz-note'));
      } else {
        pane.appendChild(el('p', t('openHint'), 'tz-note'));
        pane.appendChild(changesTable(moved, from, to, caption));
      }
      pane.removeAttribute('aria-busy');
      pane.setAttribute('data-from', from);
      pane.setAttribute('data-to', to);
      finish(pane);
    }).catch(function (error) {
      if (run !== changesRun) { return; }
      clear(pane);
      pane.appendChild(el('p', t('failed', { error: error.message || String(error) }), 'tz-note'));
      pane.removeAttribute('aria-busy');
    });
  }

  // The print dialog for the comparison on screen: /print?since=from&year=to with the filters.
  // A print looks back, so "from" must come first; with no move there is nothing to print.
  function printButton(from, to, count) {
    var button = el('button', t('printChanges'), 'tz-small');
    button.type = 'button';
    button.id = 'tz-changes-print';
    button.setAttribute('aria-haspopup', 'dialog');
    button.disabled = !(from < to && count > 0);
    button.addEventListener('click', function () { tz.printComparison(from, to, button); });
    return button;
  }

  function changesTable(moved, from, to, caption) {
    var table = el('table', null, 'tz-changes-table');
    table.appendChild(el('caption', caption, 'tz-sr'));
    var head = el('tr');
    [t('projectCol'), t('townshipCol'), t('statusIn', { year: from }), t('statusIn', { year: to }), t('moveCol')]
      .forEach(function (text) {
        var th = el('th', text);
        th.setAttribute('scope', 'col');
        head.appendChild(th);
      });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el('tbody');
    moved.forEach(function (x) {
      var tr = el('tr', null, 'tz-move tz-move-' + x.move);
      tr.setAttribute('data-id', x.id);
      tr.setAttribute('data-move', x.move);
      tr.style.borderLeftColor = MOVE_COLOURS[x.move];
      if (x.id === tz.state.project) { tr.setAttribute('aria-current', 'true'); }
      var name = el('th', null);
      name.setAttribute('scope', 'row');
      var button = el('button', x.feature.properties.name, 'tz-link');
      button.type = 'button';
      name.appendChild(button);
      tr.appendChild(name);
      tr.appendChild(el('td', (x.feature.properties.townships || []).join('、'), 'tz-places'));
      tr.appendChild(statusCell(x.from));
      tr.appendChild(statusCell(x.to));
      var move = el('td', null, 'tz-move-cell');
      move.appendChild(swatch(MOVE_COLOURS[x.move]));
      move.appendChild(el('span', moveName(x.move)));
      tr.appendChild(move);
      tr.addEventListener('click', function () { tz.openProject(x.id, true); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  // --- following the map -----------------------------------------------------------------------------

  function open(tab) { return tz.state.tab === tab; }
  var pending = null;
  function schedule() {
    if (pending) { return; }
    pending = setTimeout(function () {
      pending = null;
      if (open('charts')) { drawCharts(); }
      if (open('changes')) { drawChanges(); }
    }, 30);
  }

  document.addEventListener('tzmap:tab', schedule);
  document.addEventListener('tzmap:drawn', schedule);
  document.addEventListener('tzmap:lang', schedule);
  document.addEventListener('tzmap:project', function () {
    if (open('charts')) { schedule(); }
    if (open('changes')) {  // mark the open project's row without drawing the list again
      var rows = document.querySelectorAll('#tz-changes-pane tr[data-id]');
      Array.prototype.forEach.call(rows, function (tr) {
        if (tr.getAttribute('data-id') === tz.state.project) { tr.setAttribute('aria-current', 'true'); }
        else { tr.removeAttribute('aria-current'); }
      });
    }
  });
  if (document.body.getAttribute('data-ready') === 'true') { schedule(); }
})();
