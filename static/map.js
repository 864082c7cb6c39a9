/* The interactive parts of the project map. Folium made the map, its base layers and the scale;
   this script adds the townships, the projects, the controls and the project panel, fed by the
   app's own API (or, in a standalone export, by the data embedded in the page).
   Text that comes from data is always set with textContent, never parsed as HTML. */
(function () {
  'use strict';

  var CFG = window.TZMAP_CONFIG;
  var DATA = window.TZMAP_DATA || null;
  var map = window[CFG.map];
  // The words and colours shared with the prints and the feeds (app.vocab, through the config).
  var VOCAB = CFG.vocabulary;
  var YEARS = VOCAB.years;
  var STATUSES = VOCAB.statuses;
  var NOT_REPORTED = 'not_reported';
  // Viridis steps: safe for colour-blind readers and ordered by lightness, so grey print keeps
  // the order; line style and marker outline tell them apart too.
  var COLOURS = VOCAB.colours;
  var DASHES = {
    not_reported: '2 6', planned: '8 6', under_construction: '12 4', completed: null,
    in_service: null
  };
  var BEHIND = VOCAB.behind;
  var CHORO = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6'];
  var CHORO_BREAKS = [1, 4, 8, 13];

  var T = {
    zh: {
      title: '通州副中心重点项目地图', year: '年份', mode: '视图', actual: '实际进展',
      plan: '计划目标', behindOnly: '只看滞后于计划的项目', township: '乡镇 / 街道',
      allTownships: '全区（22个乡镇街道）', search: '搜索项目（名称或简称）', status: '状态',
      category: '类别', programme: '计划任务', allProgrammes: '全部', anyValue: '全部', geometry_quality: '位置精度', print: '打印此视图',
      exportHtml: '导出离线地图', share: '分享链接', readReport: '解读新报告', play: '播放', pause: '暂停',
      collapse: '收起/展开', offlineBase: '离线底图（区界与乡镇）', townships: '乡镇街道',
      projects: '重点项目', legend: '图例', behind: '滞后于计划', notFound: '未找到项目',
      shown: '显示 {n} / {total} 个项目', shownInView: '视野内显示 {n} 个（全区 {total} 个，放大可见更多）', unplaced: '（{n} 个未定位）', located: '已定位 {n} / {target} 个',
      locatedNoTarget: '已定位 {n} 个', counts: '{year}年底项目数', behindList: '滞后于计划',
      none: '无', aliases: '别名', townshipsOf: '所在乡镇', quality: '位置精度',
      statusAsOf: '{year}年状态', target: '目标', programmes: '所属计划', size: '规模',
      timeline: '进展与计划', evidence: '依据', event: '实际', targetKind: '计划',
      colon: '：', listSep: '、', comma: '，', parenOpen: '（', parenClose: '）', km: '公里', ha: '公顷',
      noText: '（原文未加载）', close: '关闭', unplacedNote: '未定位：公开资料未给出位置',
      choropleth: '乡镇内所选项目数', gcj: '已按GCJ-02坐标偏移叠加', chars: '字符',
      afterReports: '{reported}年以后尚无年度进展报告：{year}年的“实际进展”为{reported}年报告所述状态及此后审核通过的更新，不一定是{year}年的全部实际情况。',
      signInToRead: '本地图需登录后查看。', file: '上传的文件',
      tableTab: '项目表', chartsTab: '进展图表', changesTab: '年度变化', closeDrawer: '收起', skipToTable: '跳到项目表',
      countsAfter: '{year}年项目数（据{reported}年报告及此后审核通过的更新）', countsPlan: '{year}年底计划应达状态',
      behindNotYet: '最新年度报告截至{reported}年，最早的计划目标在{first}年：尚无项目可判断是否滞后于计划。',
      behindNoReport: '尚无年度进展报告，无法判断是否滞后于计划。',
      behindCount: '{n} 个项目滞后于计划（目标年份已过且已有报告）。',
      unknownTownship: '没有名为“{name}”的乡镇街道，已显示全区。', hiddenByFilter: '（当前筛选未显示）',
      matches: '找到 {n} 个项目：', all: '全选', noneButton: '全不选', nothingSelected: '未选择任何状态或类别，地图上没有项目。',
      baseFailed: '在线底图无法加载（可能没有互联网连接），已切换回离线底图。',
      mention: '提及（原文未说明进展）', stageCounted: '（目标按“{stage}”计）', legendToggle: '图例', fullscreen: '全屏',
      river: '河流（示意）', expressway: '高速公路（示意）', road: '道路（示意）', yes: '是', no: '否', length: '长度', area: '面积',
      printOrExport: '打印或导出', printDialog: '打印或导出此视图', sheetHeading: '打印图纸',
      printScope: '图纸与屏幕一致：同一年份、视图、筛选和地图范围。',
      atlasScope: '乡镇图集：封面加每个乡镇一页，按当前年份、视图和筛选，每页为整个乡镇，不限于屏幕范围。',
      pngNote: 'PNG 为单张图片，只含第一页（图集为封面）；完整图纸请选 PDF。',
      paper: '纸张', orientation: '方向', portrait: '纵向', landscape: '横向', printFormat: '格式',
      printLang: '图纸语言', atlasOption: '乡镇图集（每个乡镇一页）', printTitle: '标题（可选）',
      printTitleNote: '替代默认标题（如“通州区重点项目进展图”），最多80字；地点和日期照常标注。',
      printAtlas: '打印乡镇图集', making: '正在生成…（需要几秒钟）',
      printChanges: '打印状态变化图',
      changesScope: '状态变化图：{since}年至{year}年状态有变化的项目，与“状态变化”一栏相同：当前筛选（状态筛选除外），不限于屏幕范围。',
      printDone: '已下载 {name}', printFailed: '无法生成图纸：{detail}',
      offlineHeading: '离线地图', exportNote: '一个 HTML 文件，含所选项目，无需服务器和网络即可打开，打开时为同一年份、视图和筛选。'
    },
    en: {
      title: 'Tongzhou sub-centre project map', year: 'Year', mode: 'View', actual: 'Actual',
      plan: 'Plan', behindOnly: 'Only projects behind plan', township: 'Township / street',
      allTownships: 'Whole district (22 townships)', search: 'Search projects (name or alias)',
      status: 'Status', category: 'Category', programme: 'Programme', allProgrammes: 'All', anyValue: 'All', geometry_quality: 'Placement',
      print: 'Print this view', exportHtml: 'Export offline map', share: 'Link to this view',
      readReport: 'Read a new report',
      play: 'Play', pause: 'Pause', collapse: 'Collapse / expand',
      offlineBase: 'Offline base (district and townships)', townships: 'Townships',
      projects: 'Projects', legend: 'Legend', behind: 'Behind plan', notFound: 'No project found',
      shown: 'Showing {n} of {total} projects',
      shownInView: 'Showing {n} in view ({total} in all; zoom in for more)', unplaced: ' ({n} unplaced)',
      located: '{n} of {target} located', locatedNoTarget: '{n} located',
      counts: 'Projects at the end of {year}', behindList: 'Behind plan', none: 'none',
      aliases: 'Aliases', townshipsOf: 'Townships', quality: 'Geometry', statusAsOf: 'Status in {year}',
      target: 'Target', programmes: 'Programmes', size: 'Size', timeline: 'Progress and plans',
      evidence: 'Source', event: 'reported', targetKind: 'planned',
      colon: ': ', listSep: ', ', comma: ', ', parenOpen: ' (', parenClose: ')', km: 'km', ha: 'ha',
      noText: '(document text not loaded)', close: 'Close',
      unplacedNote: 'Unplaced: no public source gives the site', choropleth: 'Selected projects per township',
      gcj: 'overlays shifted to GCJ-02',
      afterReports: 'No annual report covers the years after {reported} yet: "Actual" for {year} shows the statuses reported for {reported} and the updates approved since; it may not be the whole state in {year}.',
      signInToRead: 'Sign in to see this map.', file: 'uploaded file', river: 'River (approximate)',
      expressway: 'Expressway (approximate)', road: 'Road (approximate)', chars: 'characters',
      yes: 'yes', no: 'no', length: 'length', area: 'area',
      tableTab: 'Table', chartsTab: 'Charts', changesTab: 'What changed', closeDrawer: 'Close', skipToTable: 'Skip to the project table',
      countsAfter: 'Projects in {year} (as reported for {reported}, with the updates approved since)',
      countsPlan: 'Planned status at the end of {year}',
      behindNotYet: 'The latest annual report covers {reported}; the first planned target falls in {first}: no project can be judged behind plan yet.',
      behindNoReport: 'No annual progress report yet: nothing can be judged behind plan.',
      behindCount: '{n} projects behind plan (target year passed and reported on).',
      unknownTownship: 'No township is called "{name}"; showing the whole district.', hiddenByFilter: ' (hidden by the filters)',
      matches: '{n} projects found:', all: 'All', noneButton: 'None', nothingSelected: 'No status or category is chosen: the map shows no project.',
      baseFailed: 'The online base map cannot be loaded (no internet connection?): back to the offline base.',
      legendToggle: 'Legend', fullscreen: 'Full screen',
      mention: 'Mentioned (no stage given)', stageCounted: ' (the target counts projects {stage})',
      printOrExport: 'Print or export', printDialog: 'Print or export this view', sheetHeading: 'Printed sheet',
      printScope: 'The sheet shows what the screen shows: the same year, view, filters and map extent.',
      atlasScope: 'Township atlas: a cover, then one sheet per township for the year, view and filters on screen; each sheet shows the whole township, not only the map extent.',
      pngNote: 'A PNG is one image of the first page only (the cover of an atlas); choose PDF for every page.',
      paper: 'Paper', orientation: 'Orientation', portrait: 'Portrait', landscape: 'Landscape', printFormat: 'Format',
      printLang: 'Language of the sheet', atlasOption: 'Township atlas (one page per township)', printTitle: 'Title (optional)',
      printTitleNote: 'Replaces the default title (such as "Tongzhou key projects: progress"); at most 80 characters. The place and date are still given.',
      printAtlas: 'Print the township atlas', making: 'Making the sheet… (this takes a few seconds)',
      printChanges: 'Print the status changes',
      changesScope: 'Status changes: the projects whose status changed from {since} to {year}, as the "what changed" pane lists them: the filters on screen but the status filter, not only the map extent.',
      printDone: 'Downloaded {name}', printFailed: 'The sheet could not be made: {detail}',
      offlineHeading: 'Offline map', exportNote: 'One HTML file with the selected projects; it opens with no server and no network, in this year, view and filters.'
    }
  };
  // --- state, kept in the URL ----------------------------------------------------------------

  // The filters the server declares (app.filters) that have a list of values and no control of
  // their own above: each gets a select, keeps its value in the URL under its parameter name,
  // goes to the feeds, prints and exports as is, and selects the projects whose property of the
  // same name has the value. Their words: the label in T under the name, the values' in
  // VALUE_NAMES.
  var OWN_CONTROLS = ['year', 'datetime', 'township', 'status', 'mode', 'category', 'programme',
    'q', 'behind_plan', 'bbox', 'bbox-crs', 'filter', 'filter-lang', 'filter-crs'];
  var MORE_FILTERS = Object.keys(CFG.filters).filter(function (name) {
    var schema = CFG.filters[name];
    return OWN_CONTROLS.indexOf(name) < 0 && (schema.enum || (schema.items && schema.items.enum));
  });
  var VALUE_NAMES = { geometry_quality: VOCAB.qualityNames };

  var state = {
    year: 2022, mode: 'actual', township: '', statuses: STATUSES.concat([NOT_REPORTED]),
    categories: null, programme: '', behind: false, project: '', lang: 'zh', base: 'offline',
    tab: '',  // the open pane under the map: table, charts or changes
    more: {}  // the value of each of MORE_FILTERS that is set
  };
  var TABS = ['table', 'charts', 'changes'];
  var allCategories = [];

  function readUrl() {
    // A standalone file opens in the view it was exported from.
    var p = new URLSearchParams(DATA ? DATA.view || '' : window.location.search);
    var year = parseInt(p.get('year'), 10);
    if (YEARS.indexOf(year) >= 0) { state.year = year; }
    if (p.get('mode') === 'plan') { state.mode = 'plan'; }
    if (p.get('township')) { state.township = p.get('township'); }
    if (p.get('status')) { state.statuses = p.get('status').split(','); }
    if (p.has('category')) { state.categories = p.get('category') ? p.get('category').split(',') : []; }
    if (p.get('programme')) { state.programme = p.get('programme'); }
    if (p.get('behind') === '1') { state.behind = true; }
    if (p.get('project')) { state.project = p.get('project'); }
    MORE_FILTERS.forEach(function (name) {
      if (filterValues(name).indexOf(p.get(name)) >= 0) { state.more[name] = p.get(name); }
    });
    if (p.get('lang') === 'en') { state.lang = 'en'; }
    if (p.get('base')) { state.base = p.get('base'); }
    if (TABS.indexOf(p.get('tab')) >= 0) { state.tab = p.get('tab'); }
    var view = (p.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(isFinite)) { map.setView([view[0], view[1]], view[2]); }
  }

  function stateQuery(includeView) {
    var p = new URLSearchParams();
    p.set('year', state.year);
    if (state.mode !== 'actual') { p.set('mode', state.mode); }
    if (state.township) { p.set('township', state.township); }
    if (state.statuses.length !== STATUSES.length + 1) { p.set('status', state.statuses.join(',')); }
    if (state.categories !== null) { p.set('category', state.categories.join(',')); }
    if (state.programme) { p.set('programme', state.programme); }
    if (state.behind) { p.set('behind', '1'); }
    if (state.project) { p.set('project', state.project); }
    setMoreFilters(p);
    if (state.lang !== 'zh') { p.set('lang', state.lang); }
    if (state.base !== 'offline') { p.set('base', state.base); }
    if (state.tab) { p.set('tab', state.tab); }
    if (includeView) {
      var c = map.getCenter();
      p.set('view', [c.lat.toFixed(5), c.lng.toFixed(5), map.getZoom()].join(','));
    }
    return p;
  }

  function writeUrl() {
    // A standalone file opened from disk keeps its own URL: history cannot change file URLs.
    if (window.location.protocol !== 'file:') {
      window.history.replaceState(null, '', '?' + stateQuery(true).toString());
    }
    updateLinks();
  }

  // --- data --------------------------------------------------------------------------------

  var cache = {};
  // Every request goes through the signed-in session when there is one (static/auth.js), so
  // that a map closed to anonymous readers answers a signed-in user.
  function request(url) {
    var options = { headers: { Accept: 'application/json' } };
    return window.tzAuth ? window.tzAuth.fetch(url, options) : fetch(url, options);
  }
  function api(key, url) {
    if (DATA) { return Promise.resolve(DATA[key] || null); }
    if (!cache[key]) {
      var answer = request(url).then(function (r) {
        if (!r.ok) {
          var error = new Error(url + ': ' + r.status);
          error.status = r.status;
          throw error;
        }
        return r.json();
      });
      cache[key] = answer;
      answer.catch(function () { if (cache[key] === answer) { delete cache[key]; } });  // not kept
    }
    return cache[key];
  }
  // Up to ALL_AT_ONCE projects the page loads them all and filters in the browser. A larger
  // catalogue is drawn for the current view only, VIEW_LIMIT at a time, so the page stays light.
  var ALL_AT_ONCE = 10000;
  var VIEW_LIMIT = 3000;
  var total = null;
  // The latest year an annual report covers. Later years show what was reported then and the
  // updates approved since, which the banner says.
  var reportedYear = null;
  function projectCount() {
    if (DATA) {
      reportedYear = DATA.reported || null;
      return Promise.resolve(0);
    }
    return api('count', '/collections/projects/items?limit=1&properties=name').then(function (r) {
      total = r.numberMatched;
      reportedYear = r.reported_year || null;
      return total;
    });
  }
  function large() { return total !== null && total > ALL_AT_ONCE; }
  function projectsOf(year) {
    if (!large()) {
      return api('projects:' + year, '/collections/projects/items?limit=' + ALL_AT_ONCE + '&year=' + year);
    }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(',');
    var params = new URLSearchParams({ year: year, limit: VIEW_LIMIT, bbox: bbox });
    if (state.township) { params.set('township', state.township); }
    if (state.behind) { params.set('behind_plan', 'true'); }
    return api('projects:' + params.toString(), '/collections/projects/items?' + params.toString());
  }
  function townshipsOf(year) {
    return api('townships:' + year, '/collections/townships/items?limit=100&year=' + year);
  }
  function programmes() { return api('programmes', '/collections/programmes/items?limit=1000'); }
  function basemapOf() { return api('basemap', '/api/basemap'); }
  function timelineOf(id) {
    return api('timeline:' + id, '/api/projects/' + encodeURIComponent(id) + '/timeline');
  }

  // --- text --------------------------------------------------------------------------------

  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function t(key, values) {
    var text = (T[state.lang] && T[state.lang][key]) || T.zh[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(values[k]); });
    return text;
  }
  // In plan mode a project without a status has no target due by the year; `mode` names what
  // the status is when it is not the view's (the charts show reported statuses in plan mode too).
  function statusName(s, mode) {
    if (!s || s === NOT_REPORTED) {
      return (mode || state.mode) === 'plan' ? VOCAB.planNone[state.lang] : VOCAB.statusNames[state.lang][NOT_REPORTED];
    }
    return VOCAB.statusNames[state.lang][s] || s;
  }
  function categoryName(c) { return VOCAB.categoryNames[state.lang][c] || c; }
  function inParens(text) { return t('parenOpen') + text + t('parenClose'); }
  // Sizes of placed shapes, most of them approximate: no more digits than they can bear.
  function rounded(value) {
    var n = Number(value);
    return n.toLocaleString(state.lang === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: n >= 100 ? 0 : 1 });
  }
  function qualityName(q) { return VOCAB.qualityNames[state.lang][q] || q; }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-i18n]').forEach(function (node) {
      node.textContent = t(node.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-label]').forEach(function (node) {
      node.setAttribute('aria-label', t(node.getAttribute('data-i18n-label')));
      node.title = t(node.getAttribute('data-i18n-label'));
    });
    document.getElementById('tz-lang').textContent = state.lang === 'zh' ? 'English' : '中文';
    document.getElementById('tz-search').placeholder = state.lang === 'zh' ? '东六环、M101线…' : 'e.g. 东六环, M101线';
    document.title = t('title');
  }

  // --- GCJ-02: Chinese base maps are drawn in a shifted datum; overlays must follow them ------

  var shiftToGcj = false;
  function outOfChina(lon, lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function gcjDelta(lon, lat) {
    var a = 6378245.0, ee = 0.00669342162296594323, pi = Math.PI;
    var x = lon - 105.0, y = lat - 35.0;
    var common = (20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2 / 3;
    var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + common +
      (20 * Math.sin(y * pi) + 40 * Math.sin(y / 3 * pi)) * 2 / 3 +
      (160 * Math.sin(y / 12 * pi) + 320 * Math.sin(y * pi / 30)) * 2 / 3;
    var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + common +
      (20 * Math.sin(x * pi) + 40 * Math.sin(x / 3 * pi)) * 2 / 3 +
      (150 * Math.sin(x / 12 * pi) + 300 * Math.sin(x / 30 * pi)) * 2 / 3;
    var radLat = lat / 180 * pi, magic = 1 - ee * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180) / ((a * (1 - ee)) / (magic * sqrtMagic) * pi);
    dLon = (dLon * 180) / (a / sqrtMagic * Math.cos(radLat) * pi);
    return [dLon, dLat];
  }
  function toLatLng(coords) {
    var lon = coords[0], lat = coords[1];
    if (shiftToGcj && !outOfChina(lon, lat)) {
      var d = gcjDelta(lon, lat);
      return L.latLng(lat + d[1], lon + d[0]);
    }
    return L.latLng(lat, lon);
  }

  // --- layers ------------------------------------------------------------------------------

  var townshipLayer = L.featureGroup();
  var projectLayer = L.featureGroup();
  var offlineBase = L.layerGroup();
  var layersByProject = {};
  var drawing = false;  // while a shape is edited, clicks on the map belong to the editor
  var current = { projects: [], townships: [], programmes: [] };

  function shownStatus(p) {
    return (state.mode === 'plan' ? p.properties.planned_status : p.properties.status) || NOT_REPORTED;
  }

  function choroClass(count) {
    var i = 0;
    while (i < CHORO_BREAKS.length && count >= CHORO_BREAKS[i]) { i += 1; }
    return i;
  }

  function projectStyle(feature) {
    var status = shownStatus(feature);
    var behind = feature.properties.behind_plan;
    return {
      color: behind ? BEHIND : COLOURS[status], weight: feature.geometry.type.indexOf('Line') >= 0 ? 5 : 2,
      dashArray: DASHES[status], fillColor: COLOURS[status], fillOpacity: 0.55, opacity: 0.95
    };
  }

  // Whether the filters select a project (of any year), all of them or all but one ('status',
  // 'category', 'township'): a facet counts what its own choices would add, the choropleth
  // every township, the charts of status every status.
  function visible(p, except) {
    var props = p.properties;
    if (except !== 'status' && state.statuses.indexOf(shownStatus(p)) < 0) { return false; }
    if (except !== 'category' && state.categories !== null && state.categories.indexOf(props.category) < 0) { return false; }
    if (except !== 'township' && state.township && props.township_codes.indexOf(state.township) < 0) { return false; }
    if (state.programme && props.programmes.indexOf(state.programme) < 0) { return false; }
    if (state.behind && !props.behind_plan) { return false; }
    return MORE_FILTERS.every(function (name) {
      return !state.more[name] || props[name] === state.more[name];
    });
  }

  // The offline base: district outline, rivers and roads, drawn approximately for orientation.
  // One canvas draws the township fills, the base lines and the projects, in that order, so that a
  // click or a hover goes to the topmost shape under the pointer: a project, else a township.
  // (Canvases in separate panes would each swallow the clicks meant for the ones beneath.)
  map.createPane('tz-overlay').style.zIndex = 450;
  var renderer = L.canvas({ pane: 'tz-overlay' });
  function restack() {
    offlineBase.eachLayer(function (layer) { if (layer.bringToBack) { layer.bringToBack(); } });
    townshipLayer.eachLayer(function (layer) { layer.bringToBack(); });
  }
  // Within the projects, areas under lines under points: a point is never hidden by a line.
  var DRAW_ORDER = { Polygon: 0, MultiPolygon: 0, LineString: 1, MultiLineString: 1 };
  function drawOrder(f) { var o = DRAW_ORDER[f.geometry.type]; return o === undefined ? 2 : o; }
  var SELECTED = '#e7298a';  // the open project's halo: a colour no status or base line uses
  var BASE_STYLES = {
    district: { color: '#08306b', weight: 3, fill: false },
    river: { color: '#4a90c8', weight: 3, opacity: 0.9 },
    expressway: { color: '#9b6a2f', weight: 3, opacity: 0.8 },
    road: { color: '#8a8a8a', weight: 2, opacity: 0.8 },
    rail: { color: '#444', weight: 2, opacity: 0.8, dashArray: '6 4' }
  };
  function drawBasemap() {
    return basemapOf().then(function (collection) {
      offlineBase.clearLayers();
      if (!collection) { return; }
      var isDistrict = function (f) { return f.properties.kind === 'district'; };
      var style = function (f) { return BASE_STYLES[f.properties.kind] || BASE_STYLES.road; };
      // The district outline takes no clicks: a click inside it is for the township beneath.
      L.geoJSON(collection, {
        filter: isDistrict, coordsToLatLng: toLatLng, renderer: renderer, style: style, interactive: false
      }).eachLayer(function (layer) { offlineBase.addLayer(layer); });
      L.geoJSON(collection, {
        filter: function (f) { return !isDistrict(f); },
        coordsToLatLng: toLatLng,
        renderer: renderer,
        style: style,
        onEachFeature: function (f, layer) {
          var name = state.lang === 'en' && f.properties.name_en ? f.properties.name_en : f.properties.name;
          layer.bindTooltip(el('span', name), { sticky: true });
        }
      }).eachLayer(function (layer) { offlineBase.addLayer(layer); });
      restack();
    });
  }

  // The choropleth counts, in each township, the projects the other filters select (the feed's
  // totals when the catalogue is too large to hold in the page).
  var townshipCounts = {};
  function countTownships() {
    townshipCounts = {};
    current.projects.forEach(function (p) {
      if (!visible(p, 'township')) { return; }
      p.properties.township_codes.forEach(function (code) { townshipCounts[code] = (townshipCounts[code] || 0) + 1; });
    });
  }
  function townshipCount(f) { return large() ? f.properties.count_total : townshipCounts[f.properties.code] || 0; }
  function townshipStyle(f) {
    var selected = f.properties.code === state.township;
    return {
      color: selected ? '#08306b' : '#6b6b6b', weight: selected ? 3 : 1,
      fillColor: CHORO[choroClass(townshipCount(f))], fillOpacity: 0.6
    };
  }
  function restyleTownships() {
    countTownships();
    townshipLayer.eachLayer(function (layer) { layer.setStyle(townshipStyle(layer.feature)); });
    fitLabels();
  }
  // A township's name shows where it fits inside the township at this zoom (and always for the
  // chosen one), so that small neighbours' names do not overlap.
  function fitLabels() {
    townshipLayer.eachLayer(function (layer) {
      var tip = layer.getTooltip();
      var node = tip && tip.getElement();
      if (!node) { return; }
      var b = layer.getBounds();
      var width = map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
      var fits = width >= node.offsetWidth * 1.2 || layer.feature.properties.code === state.township;
      node.style.visibility = fits ? '' : 'hidden';
    });
  }

  function drawTownships() {
    townshipLayer.clearLayers();
    countTownships();
    L.geoJSON({ type: 'FeatureCollection', features: current.townships }, {
      coordsToLatLng: toLatLng,
      renderer: renderer,
      style: townshipStyle,
      onEachFeature: function (f, layer) {
        // Leaflet inserts a string tooltip as HTML: hand it an element holding plain text.
        layer.bindTooltip(el('span', f.properties.name), { permanent: true, direction: 'center', className: 'tz-label' });
        layer.on('click', function () { if (!drawing) { selectTownship(f.properties.code, true); } });
      }
    }).eachLayer(function (layer) { townshipLayer.addLayer(layer); });
    restack();
    fitLabels();
  }

  // No status or no category ticked: nothing is shown, and there is nothing to print or export.
  function nothingChosen() { return !state.statuses.length || (state.categories !== null && !state.categories.length); }

  // The open project, marked by a halo under it; an unplaced one has nothing to mark.
  var selectionLayer = L.layerGroup();
  function drawSelection() {
    selectionLayer.clearLayers();
    var layer = state.project && layersByProject[state.project];
    if (!layer) { return; }
    var feature = layer.feature;
    var halo = { color: SELECTED, opacity: 0.85, fill: false, interactive: false, renderer: renderer };
    L.geoJSON(feature, {
      coordsToLatLng: toLatLng,
      style: function () { return L.extend({ weight: drawOrder(feature) === 1 ? 13 : 7 }, halo); },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, L.extend({ radius: 14, weight: 5 }, halo)); }
    }).eachLayer(function (l) { selectionLayer.addLayer(l); });
    layer.bringToFront();
  }

  function drawProjects() {
    projectLayer.clearLayers();
    layersByProject = {};
    var shown = current.projects.filter(function (p) { return p.geometry && visible(p); });
    shown.sort(function (a, b) { return drawOrder(a) - drawOrder(b); });
    L.geoJSON({ type: 'FeatureCollection', features: shown }, {
      coordsToLatLng: toLatLng,
      renderer: renderer,
      style: projectStyle,
      pointToLayer: function (f, latlng) {
        var style = projectStyle(f);
        style.radius = f.properties.behind_plan ? 8 : 6;
        style.weight = f.properties.behind_plan ? 3 : 1.5;
        style.color = f.properties.behind_plan ? BEHIND : '#222';
        style.renderer = renderer;
        return L.circleMarker(latlng, style);
      },
      onEachFeature: function (f, layer) {
        layersByProject[f.id] = layer;
        layer.bindTooltip(el('span', f.properties.name));
        layer.on('click', function () { if (!drawing) { openProject(f.id, false); } });
      }
    }).eachLayer(function (layer) { projectLayer.addLayer(layer); });
    drawSelection();
    var unplaced = current.projects.filter(function (p) { return !p.geometry && visible(p); }).length;
    var count = document.getElementById('tz-count');
    count.textContent = nothingChosen() ? t('nothingSelected') : large()
      ? t('shownInView', { n: shown.length, total: total })
      : t('shown', { n: shown.length, total: current.projects.length }) +
        (unplaced ? t('unplaced', { n: unplaced }) : '');
    count.setAttribute('data-shown', shown.length);
  }

  // --- controls ----------------------------------------------------------------------------

  function fillTownshipSelect() {
    var select = document.getElementById('tz-township');
    clear(select);
    select.appendChild(new Option(t('allTownships'), ''));
    current.townships.slice().sort(function (a, b) { return a.properties.code < b.properties.code ? -1 : 1; })
      .forEach(function (f) { select.appendChild(new Option(f.properties.name, f.properties.code)); });
    select.value = state.township;
    select.title = membershipNote();  // the filter selects by estimated membership too
  }

  // A facet: a checkbox per value with the number of projects it would add, and all / none.
  function checkboxes(containerId, values, selected, label, onChange) {
    var box = document.getElementById(containerId);
    Array.prototype.slice.call(box.querySelectorAll('label, .tz-facet-all')).forEach(function (n) { box.removeChild(n); });
    function chosen() {
      return Array.prototype.slice.call(box.querySelectorAll('input:checked')).map(function (i) { return i.value; });
    }
    var bulk = el('div', null, 'tz-facet-all');
    [['all', true], ['noneButton', false]].forEach(function (pair) {
      var button = el('button', t(pair[0]), 'tz-small');
      button.type = 'button';
      button.addEventListener('click', function () {
        box.querySelectorAll('input').forEach(function (i) { i.checked = pair[1]; });
        onChange(chosen());
      });
      bulk.appendChild(button);
    });
    box.appendChild(bulk);
    values.forEach(function (value) {
      var input = el('input');
      input.type = 'checkbox';
      input.value = value;
      input.checked = selected.indexOf(value) >= 0;
      input.addEventListener('change', function () { onChange(chosen()); });
      var wrap = el('label', null, 'tz-check');
      wrap.appendChild(input);
      var swatch = el('span', null, 'tz-swatch');
      if (COLOURS[value]) { swatch.style.background = COLOURS[value]; } else { swatch.style.display = 'none'; }
      wrap.appendChild(swatch);
      wrap.appendChild(el('span', label(value), 'tz-check-name'));
      var count = el('span', null, 'tz-facet-count');
      count.setAttribute('data-value', value);
      wrap.appendChild(count);
      box.appendChild(wrap);
    });
  }

  // How many projects each status and category would show, the other filters as they are.
  function facetCounts() {
    var byStatus = {}, byCategory = {};
    current.projects.forEach(function (p) {
      var s = shownStatus(p), c = p.properties.category;
      if (visible(p, 'status')) { byStatus[s] = (byStatus[s] || 0) + 1; }
      if (visible(p, 'category')) { byCategory[c] = (byCategory[c] || 0) + 1; }
    });
    [['tz-status-filter', byStatus], ['tz-category-filter', byCategory]].forEach(function (pair) {
      document.getElementById(pair[0]).querySelectorAll('.tz-facet-count').forEach(function (node) {
        node.textContent = '(' + (pair[1][node.getAttribute('data-value')] || 0) + ')';
      });
    });
  }

  function filterValues(name) {
    var schema = CFG.filters[name];
    return schema.enum || schema.items.enum;
  }
  function setMoreFilters(params) {
    MORE_FILTERS.forEach(function (name) {
      if (state.more[name]) { params.set(name, state.more[name]); }
    });
  }
  function fillMoreFilters() {
    var box = document.getElementById('tz-more-filters');
    clear(box);
    MORE_FILTERS.forEach(function (name) {
      var id = 'tz-filter-' + name;
      var label = el('label', T[state.lang][name] || T.zh[name] || CFG.filters[name].description || name);
      label.htmlFor = id;
      var select = el('select');
      select.id = id;
      select.appendChild(new Option(t('anyValue'), ''));
      filterValues(name).forEach(function (v) {
        var words = VALUE_NAMES[name] && VALUE_NAMES[name][state.lang];
        select.appendChild(new Option((words && words[v]) || v, v));
      });
      select.value = state.more[name] || '';
      select.addEventListener('change', function (e) {
        if (e.target.value) { state.more[name] = e.target.value; } else { delete state.more[name]; }
        refresh();
      });
      box.appendChild(label);
      box.appendChild(select);
    });
  }

  function fillFilters() {
    fillMoreFilters();
    checkboxes('tz-status-filter', [NOT_REPORTED].concat(STATUSES), state.statuses, statusName, function (v) {
      state.statuses = v; refresh();
    });
    allCategories = [];
    current.projects.forEach(function (p) {
      if (allCategories.indexOf(p.properties.category) < 0) { allCategories.push(p.properties.category); }
    });
    allCategories.sort();
    checkboxes('tz-category-filter', allCategories, state.categories === null ? allCategories : state.categories,
      categoryName, function (v) {
        state.categories = v.length === allCategories.length ? null : v; refresh();
      });
    var select = document.getElementById('tz-programme');
    clear(select);
    select.appendChild(new Option(t('allProgrammes'), ''));
    current.programmes.forEach(function (f) { select.appendChild(new Option(f.properties.name, f.id)); });
    select.value = state.programme;
    var list = document.getElementById('tz-search-list');
    clear(list);
    current.projects.forEach(function (p) {
      names(p).forEach(function (name) {
        var option = el('option');
        option.value = name;
        list.appendChild(option);
      });
    });
  }

  // A project's name and aliases as a reader would type them; an alias with a gap (城北…水网)
  // matches the documents' wording, not a search.
  function names(p) {
    return [p.properties.name].concat(p.properties.aliases.filter(function (a) { return a.indexOf('…') < 0; }));
  }

  function programmeNote() {
    var note = document.getElementById('tz-programme-note');
    var p = current.programmes.filter(function (f) { return f.id === state.programme; })[0];
    if (!p) { note.textContent = ''; return; }
    var located = current.projects.filter(function (f) {
      return f.geometry && f.properties.programmes.indexOf(p.id) >= 0;
    }).length;
    note.textContent = (p.properties.target_count
      ? t('located', { n: located, target: p.properties.target_count })
      : t('locatedNoTarget', { n: located })) +
      (p.properties.stage ? t('stageCounted', { stage: VOCAB.programmeStages[state.lang][p.properties.stage] }) : '');
  }

  // While the townships' boundaries are not official (the shipped ones are schematic), which
  // township a project lies in is an estimate: the note says so, from the loaded data.
  function membershipNote() {
    var order = VOCAB.boundaryQualities;  // best first
    var least = -1;
    current.townships.forEach(function (f) {
      least = Math.max(least, order.indexOf(f.properties.boundary_quality));
    });
    var quality = order[least];
    return quality && quality !== 'official' ? VOCAB.membershipNotes[state.lang][quality] || '' : '';
  }

  function townshipSummary() {
    var box = document.getElementById('tz-township-summary');
    clear(box);
    var town = current.townships.filter(function (f) { return f.properties.code === state.township; })[0];
    if (!town) { return; }
    var props = town.properties;
    // Counted here from the projects by the status the view shows (reported, or planned); a
    // catalogue too large to hold in the page takes the feed's counts of reported statuses.
    var counts = {};
    var own = current.projects.filter(function (p) { return p.properties.township_codes.indexOf(state.township) >= 0; });
    own.forEach(function (p) { counts[shownStatus(p)] = (counts[shownStatus(p)] || 0) + 1; });
    var plan = state.mode === 'plan' && !large();
    var title = plan ? t('countsPlan', { year: state.year })
      : afterReports() ? t('countsAfter', { year: state.year, reported: reportedYear })
        : t('counts', { year: state.year });
    box.appendChild(el('h2', props.name + ' · ' + title));
    var estimated = membershipNote();
    if (estimated) { box.appendChild(el('p', estimated, 'tz-note tz-membership')); }
    var table = el('table', null, 'tz-counts');
    [NOT_REPORTED].concat(STATUSES).forEach(function (s) {
      var key = s === NOT_REPORTED ? 'count_not_reported' : 'count_' + s;
      var row = el('tr');
      row.setAttribute('data-status', s);
      row.appendChild(el('th', statusName(s)));
      row.appendChild(el('td', large() ? props[key] : counts[s] || 0));
      table.appendChild(row);
    });
    box.appendChild(table);
    box.appendChild(el('h3', t('behindList')));
    var behind = current.projects.filter(function (p) {
      return p.properties.behind_plan && p.properties.township_codes.indexOf(state.township) >= 0;
    });
    var list = el('ul', null, 'tz-behind');
    if (!behind.length) { list.appendChild(el('li', behindJudgeable() ? t('none') : behindNote())); }
    behind.forEach(function (p) {
      var item = el('li');
      var button = el('button', p.properties.name, 'tz-link');
      button.type = 'button';
      button.addEventListener('click', function () { openProject(p.id, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // The URL may name a township by its code or by its name, as the feeds and the prints accept.
  function resolveTownship() {
    var note = document.getElementById('tz-township-note');
    note.textContent = '';
    if (!state.township) { return; }
    var match = current.townships.filter(function (f) {
      return f.properties.code === state.township || f.properties.name === state.township;
    })[0];
    if (!match) { note.textContent = t('unknownTownship', { name: state.township }); }
    state.township = match ? match.properties.code : '';
    drawTownships();
  }

  function selectTownship(code, zoom) {
    state.township = code;
    document.getElementById('tz-township').value = code;
    drawTownships();
    refresh();
    if (zoom) {
      var layer = null;
      townshipLayer.eachLayer(function (l) { if (l.feature.properties.code === code) { layer = l; } });
      map.fitBounds(layer ? layer.getBounds() : townshipLayer.getBounds(), { padding: [20, 20] });
    }
  }

  // One match (or one exact name) opens; several are listed to choose from. A match the filters
  // hide is still found, and says so.
  function search(text) {
    var q = (text || '').trim().toLowerCase();
    var result = document.getElementById('tz-search-result');
    clear(result);
    if (!q) { return; }
    var exact = current.projects.filter(function (p) {
      return names(p).some(function (n) { return n.toLowerCase() === q; });
    });
    var partial = current.projects.filter(function (p) {
      return exact.indexOf(p) < 0 && names(p).some(function (n) {
        return n.toLowerCase().indexOf(q) >= 0 || q.indexOf(n.toLowerCase()) >= 0;
      });
    });
    var found = exact.concat(partial);
    if (!found.length) { result.textContent = t('notFound'); return; }
    if (found.length === 1 || exact.length === 1) {
      openProject(found[0].id, true);
      if (!visible(found[0])) { result.appendChild(el('div', t('hiddenByFilter').trim())); }
      if (found.length === 1) { return; }
    }
    result.appendChild(el('div', t('matches', { n: found.length })));
    var list = el('ul', null, 'tz-matches');
    found.forEach(function (p) {
      var item = el('li');
      var button = el('button', p.properties.name + (visible(p) ? '' : t('hiddenByFilter')), 'tz-link');
      button.type = 'button';
      button.addEventListener('click', function () { openProject(p.id, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
    result.appendChild(list);
  }

  // --- the project panel -------------------------------------------------------------------

  function field(list, label, value) {
    list.appendChild(el('dt', label));
    list.appendChild(el('dd', value));
  }

  function openProject(id, zoom) {
    var p = current.projects.filter(function (f) { return f.id === id; })[0];
    if (!p) { return; }
    state.project = id;
    var props = p.properties;
    var panel = document.getElementById('tz-project');
    clear(panel);
    panel.hidden = false;
    var head = el('div', null, 'tz-row');
    head.appendChild(el('h2', props.name, 'tz-project-name'));
    var close = el('button', '×', 'tz-small');
    close.type = 'button';
    close.setAttribute('aria-label', t('close'));
    close.addEventListener('click', function () {
      state.project = '';
      panel.hidden = true;
      drawSelection();
      writeUrl();
      announce('tzmap:project', { id: '', feature: null, panel: panel });
    });
    head.appendChild(close);
    panel.appendChild(head);
    var dl = el('dl', null, 'tz-fields');
    if (names(p).length > 1) { field(dl, t('aliases'), names(p).slice(1).join(t('listSep'))); }
    field(dl, t('category'), categoryName(props.category));
    field(dl, t('statusAsOf', { year: state.year }), statusName(props.status) +
      (props.milestone ? inParens(props.milestone) : ''));
    if (props.target_status) {
      field(dl, t('target'), props.target_year + ' · ' + statusName(props.target_status));
    }
    field(dl, t('behind'), props.behind_plan ? t('yes') : t('no'));
    field(dl, t('townshipsOf'), props.townships.join(t('listSep')) || '—');
    var placement = state.lang === 'zh' ? props.placement_zh || props.placement
      : props.placement || props.placement_zh;
    field(dl, t('quality'), qualityName(props.geometry_quality) +
      (placement ? ' — ' + placement : ''));
    if (props.programmes.length) {
      var programmeNames = props.programmes.map(function (pid) {
        var prog = current.programmes.filter(function (f) { return f.id === pid; })[0];
        return prog ? prog.properties.name : pid;
      });
      field(dl, t('programmes'), programmeNames.join(t('listSep')));
    }
    if (props.length_km !== null) { field(dl, t('size'), t('length') + ' ' + rounded(props.length_km) + ' ' + t('km')); }
    if (props.area_ha !== null) { field(dl, t('size'), t('area') + ' ' + rounded(props.area_ha) + ' ' + t('ha')); }
    panel.appendChild(dl);
    var description = state.lang === 'zh' ? props.description_zh || props.description
      : props.description || props.description_zh;
    if (description) { panel.appendChild(el('p', description, 'tz-description')); }
    panel.appendChild(el('h3', t('timeline')));
    var list = el('ol', null, 'tz-timeline');
    panel.appendChild(list);
    timelineOf(id).then(function (rows) {
      (rows || []).forEach(function (r) {
        var item = el('li', null, 'tz-' + r.kind);
        item.appendChild(el('strong', r.kind === 'mention' ? t('mention')
          : r.year + ' · ' + (r.kind === 'event' ? t('event') : t('targetKind')) + ' · ' + statusName(r.status)));
        if (r.milestone) { item.appendChild(el('span', inParens(r.milestone))); }
        if (r.start === null) {  // a whole uploaded file (photo, PDF) stands as the evidence
          var source = el('div', t('evidence') + t('colon'), 'tz-source');
          var link = el('a', r.title + inParens(r.date));
          link.href = '/documents/' + encodeURIComponent(r.document) + '/file';
          link.target = '_blank';
          link.rel = 'noopener';
          if (window.tzAuth) { window.tzAuth.link(link); }
          source.appendChild(CFG.embedded ? el('span', link.textContent) : link);
          source.appendChild(el('span', ' · ' + t('file')));
          item.appendChild(source);
          list.appendChild(item);
          return;
        }
        item.appendChild(el('div', t('evidence') + t('colon') + r.title + inParens(r.date) +
          (r.section ? ' · ' + r.section : '') + t('comma') + t('chars') + ' ' + r.start + '–' + r.end,
          'tz-source'));
        item.appendChild(el('blockquote', r.quote || t('noText'), r.quote ? 'tz-quote' : 'tz-quote tz-missing'));
        list.appendChild(item);
      });
    });
    drawSelection();
    // On a phone the drawer covers the panel: opening a project shows the panel (the tab bar
    // stays, one tap goes back to the list).
    if (phone() && state.tab) { showTab(''); }
    panel.scrollIntoView({ block: 'nearest' });
    var layer = layersByProject[id];
    if (zoom && layer) { showOnMap(layer); }
    if (!p.geometry) { panel.appendChild(el('p', t('unplacedNote'), 'tz-note')); }
    writeUrl();
    // The editing script adds the project's history and, for those who may, its edit section.
    announce('tzmap:project', { id: id, feature: p, panel: panel });
  }

  // --- legend, links, fullscreen -------------------------------------------------------------

  var legendOpen = !window.matchMedia('(max-width: 700px)').matches;
  function drawLegend() {
    var box = document.getElementById('tz-legend');
    clear(box);
    // On a phone the legend starts folded: open, it would cover a third of the map.
    var head = el('button', t('legend') + ' · ' + (state.mode === 'plan' ? t('plan') : t('actual')) +
      (legendOpen ? ' ▾' : ' ▸'), 'tz-legend-head');
    head.type = 'button';
    head.setAttribute('aria-expanded', String(legendOpen));
    head.addEventListener('click', function () { legendOpen = !legendOpen; drawLegend(); });
    box.appendChild(head);
    box.classList.toggle('tz-legend-open', legendOpen);
    [NOT_REPORTED].concat(STATUSES).forEach(function (s) {
      var row = el('div', null, 'tz-legend-row');
      row.setAttribute('data-status', s);
      var swatch = el('span', null, 'tz-line');
      swatch.style.borderTopColor = COLOURS[s];
      swatch.style.borderTopStyle = DASHES[s] ? 'dashed' : 'solid';
      row.appendChild(swatch);
      var dot = el('span', null, 'tz-dot');
      dot.style.background = COLOURS[s];
      row.appendChild(dot);
      row.appendChild(el('span', statusName(s)));
      box.appendChild(row);
    });
    var behind = el('div', null, 'tz-legend-row');
    var ring = el('span', null, 'tz-dot tz-behind-dot');
    behind.appendChild(ring);
    behind.appendChild(el('span', t('behind')));
    box.appendChild(behind);
    ['river', 'expressway', 'road'].forEach(function (kind) {
      var row = el('div', null, 'tz-legend-row');
      var line = el('span', null, 'tz-line');
      line.style.borderTopColor = BASE_STYLES[kind].color;
      line.style.borderTopWidth = '3px';
      row.appendChild(line);
      row.appendChild(el('span', t(kind)));
      box.appendChild(row);
    });
    box.appendChild(el('div', t('choropleth'), 'tz-legend-sub'));
    var scale = el('div', null, 'tz-choro');
    CHORO.forEach(function (colour, i) {
      var cell = el('span', (i === 0 ? '0' : CHORO_BREAKS[i - 1]) + (i === CHORO.length - 1 ? '+' : ''));
      cell.style.background = colour;
      scale.appendChild(cell);
    });
    box.appendChild(scale);
    var estimated = membershipNote();
    if (estimated) { box.appendChild(el('div', estimated, 'tz-legend-sub tz-membership')); }
    if (shiftToGcj) { box.appendChild(el('div', t('gcj'), 'tz-legend-sub')); }
  }

  function filterParams() {
    var p = new URLSearchParams();
    if (state.township) { p.set('township', state.township); }
    if (state.categories !== null) { p.set('category', state.categories.join(',')); }
    if (state.statuses.length !== STATUSES.length + 1) { p.set('status', state.statuses.join(',')); }
    if (state.mode === 'plan') { p.set('mode', 'plan'); }
    if (state.programme) { p.set('programme', state.programme); }
    if (state.behind) { p.set('behind_plan', 'true'); }
    setMoreFilters(p);
    return p;
  }

  // --- print and export: one dialog for the sheet of the view on screen and the offline file --

  // The sheet's options as the print dialog has them; /print's defaults are left out of the query.
  var PRINT_DEFAULTS = { size: 'A4', orientation: 'portrait', format: 'pdf' };
  // { since, year } while the dialog prints the "what changed" pane's comparison (static/charts.js).
  var comparison = null;
  function printOptions() {
    function chosen(name) {
      var input = document.querySelector('#tz-print-form input[name="tz-print-' + name + '"]:checked');
      return input ? input.value : '';
    }
    return {
      size: chosen('size'), orientation: chosen('orientation'), format: chosen('format'),
      lang: chosen('lang') || state.lang,
      atlas: !comparison && document.getElementById('tz-print-atlas').checked,
      title: document.getElementById('tz-print-title').value.replace(/\s+/g, ' ').trim()
    };
  }

  // The one place a print is asked for: the filters, year and mode on screen, the box the map
  // shows (an atlas has a sheet per whole township instead), and the dialog's sheet options. A
  // comparison is the pane's: its two years and the filters it applies (not the status one, nor
  // plan mode: it compares reported statuses), for the whole selection like the pane's list.
  function printQuery(options) {
    var p = filterParams();
    if (comparison) {
      p.delete('status');
      p.delete('mode');
      p.set('year', comparison.year);
      p.set('since', comparison.since);
    } else {
      p.set('year', state.year);
    }
    if (!options.atlas && !comparison) {
      var b = map.getBounds();
      p.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(','));
    }
    if (options.lang === 'en') { p.set('lang', 'en'); }
    Object.keys(PRINT_DEFAULTS).forEach(function (key) {
      if (options[key] && options[key] !== PRINT_DEFAULTS[key]) { p.set(key, options[key]); }
    });
    if (options.atlas) { p.set('atlas', 'township'); }
    if (options.title) { p.set('title', options.title); }
    return p;
  }

  function updateLinks() {
    var opener = document.getElementById('tz-print-open');
    var printLink = document.getElementById('tz-print');
    var exportLink = document.getElementById('tz-export');
    var share = document.getElementById('tz-share');
    share.href = window.location.href;
    if (CFG.embedded) {  // no server behind a standalone file: nothing to print or export
      opener.hidden = printLink.hidden = exportLink.hidden = true;
      document.getElementById('tz-extract').hidden = true;
      share.hidden = window.location.protocol === 'file:';
      return;
    }
    opener.hidden = nothingChosen();
    var options = printOptions();
    if (CFG.printUrl) { printLink.href = CFG.printUrl + '?' + printQuery(options).toString(); } else { printLink.hidden = true; }
    printLink.textContent = t(comparison ? 'printChanges' : options.atlas ? 'printAtlas' : 'print');
    var scope = comparison ? t('changesScope', comparison) : t(options.atlas ? 'atlasScope' : 'printScope');
    document.getElementById('tz-print-scope').textContent =
      scope + (options.format === 'png' ? ' ' + t('pngNote') : '');
    document.getElementById('tz-print-atlas').disabled = Boolean(comparison);
    var exported = filterParams();
    exported.set('year', state.year);
    exportLink.href = '/export.html?' + exported.toString();
  }

  var printing = null;  // the sheet being made: a second click while it is made does nothing
  function printBusy(busy) {
    document.getElementById('tz-print-progress').hidden = !busy;
    document.getElementById('tz-print').setAttribute('aria-disabled', String(busy));
    document.getElementById('tz-print-form').setAttribute('aria-busy', String(busy));
  }
  function printProblem(message) {
    var box = document.getElementById('tz-print-error');
    box.textContent = message;
    box.hidden = !message;
  }
  // What a failed print says: the problem's detail (application/problem+json), or its status.
  function problemDetail(response) {
    return response.json().then(function (body) {
      var said = (body && (body.detail || body.title)) || String(response.status);
      return typeof said === 'string' ? said : JSON.stringify(said);
    }, function () { return response.status + ' ' + response.statusText; });
  }
  // The sheet's file name as the server gives it: the UTF-8 one (with the township's name) first.
  function sheetName(response, format) {
    var header = response.headers.get('Content-Disposition') || '';
    var utf8 = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
    if (utf8) {
      try { return decodeURIComponent(utf8[1]); } catch (e) { /* a malformed name: the ASCII one */ }
    }
    var ascii = /filename="([^"]+)"/.exec(header);
    return ascii ? ascii[1] : 'tongzhou.' + format;
  }
  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = el('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    // Inside the dialog: while it is open, the rest of the page is inert.
    document.getElementById('tz-print-form').appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60 * 1000);
  }
  function printSheet() {
    if (printing || !CFG.printUrl) { return; }
    var options = printOptions();
    var url = CFG.printUrl + '?' + printQuery(options).toString();
    document.getElementById('tz-print-done').textContent = '';
    printProblem('');
    printBusy(true);
    // Through the signed-in session when there is one: a map closed to anonymous readers prints.
    var answer = window.tzAuth ? window.tzAuth.fetch(url) : fetch(url);
    printing = answer.then(function (response) {
      if (!response.ok) {
        return problemDetail(response).then(function (detail) { throw new Error(detail); });
      }
      var name = sheetName(response, options.format);
      return response.blob().then(function (blob) {
        saveBlob(blob, name);
        document.getElementById('tz-print-done').textContent = t('printDone', { name: name });
      });
    }).catch(function (error) {
      printProblem(t('printFailed', { detail: error.message }));
    }).then(function () {
      printing = null;
      printBusy(false);
    });
  }

  // The dialog prints the view, or (`compare`: { since, year }) the pane's comparison; `from` is
  // the button that opened it, which has the focus back when it closes.
  var printOpener = null;
  // The sheet takes the shape of the map on screen until the user picks an orientation.
  var orientationChosen = false;
  function openPrintDialog(compare, from) {
    comparison = compare || null;
    printOpener = from;
    if (!orientationChosen) {  // a comparison has no box on screen: a list reads best upright
      var size = map.getSize();
      var shape = !comparison && size.x > size.y ? 'landscape' : 'portrait';
      document.querySelectorAll('input[name="tz-print-orientation"]').forEach(function (radio) { radio.checked = radio.value === shape; });
    }
    if (!printing) {  // what the last print said belongs to it; one under way goes on saying
      document.getElementById('tz-print-done').textContent = '';
      printProblem('');
    }
    updateLinks();
    document.getElementById('tz-print-dialog').showModal();
  }

  function bindPrintDialog() {
    var dialog = document.getElementById('tz-print-dialog');
    var opener = document.getElementById('tz-print-open');
    var form = document.getElementById('tz-print-form');
    document.querySelectorAll('input[name="tz-print-lang"]').forEach(function (radio) { radio.checked = radio.value === state.lang; });
    opener.addEventListener('click', function () { openPrintDialog(null, opener); });
    document.getElementById('tz-print-close').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () {  // Esc too
      comparison = null;
      updateLinks();
      (printOpener && document.body.contains(printOpener) ? printOpener : opener).focus();
    });
    form.addEventListener('change', function (e) {
      if (e.target.name === 'tz-print-orientation') { orientationChosen = true; }
      updateLinks();
    });
    form.addEventListener('input', updateLinks);
    form.addEventListener('submit', function (e) { e.preventDefault(); printSheet(); });  // Enter
    document.getElementById('tz-print').addEventListener('click', function (e) {
      e.preventDefault();
      printSheet();
    });
  }

  function addFullscreen() {
    var Full = L.Control.extend({
      options: { position: 'topleft' },
      onAdd: function () {
        var button = L.DomUtil.create('button', 'tz-fullscreen leaflet-bar');
        button.type = 'button';
        button.setAttribute('data-i18n', 'fullscreen');
        button.setAttribute('data-i18n-label', 'fullscreen');
        button.textContent = t('fullscreen');
        L.DomEvent.on(button, 'click', function (e) {
          L.DomEvent.stop(e);
          if (document.fullscreenElement) { document.exitFullscreen(); }
          else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
        });
        return button;
      }
    });
    map.addControl(new Full());
  }

  function phone() { return window.matchMedia('(max-width: 700px)').matches; }

  // Zoom to a project clear of the legend in the map's lower right corner: beside it or above
  // it, whichever leaves the larger part of the map.
  function showOnMap(layer) {
    var legend = document.getElementById('tz-legend');
    var size = map.getSize();
    var right = Math.min(legend.offsetWidth + 20, size.x * 0.7);
    var bottom = Math.min(legend.offsetHeight + 20, size.y * 0.7);
    var beside = (size.x - right) * size.y >= size.x * (size.y - bottom);
    var bounds = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng(), layer.getLatLng()]);
    map.fitBounds(bounds, {
      maxZoom: 15, paddingTopLeft: [30, 30], paddingBottomRight: beside ? [right, 30] : [30, bottom]
    });
  }

  // The drawer under the map: a tab opens its pane, the open tab (or "close") closes it.
  function showTab(tab) {
    state.tab = tab;
    document.body.classList.toggle('tz-drawer-open', Boolean(tab));
    TABS.forEach(function (name) {
      var button = document.getElementById('tz-tab-' + name);
      button.setAttribute('aria-selected', String(name === tab));
      document.getElementById('tz-' + name + '-pane').hidden = name !== tab;
    });
    map.invalidateSize();
    writeUrl();
    announce('tzmap:tab', { tab: tab });
  }

  function addLegendControl() {
    var Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: function () { return document.getElementById('tz-legend'); }
    });
    map.addControl(new Legend());
  }

  var layerControl = null;
  function layerControlLabels() {
    var bases = {};
    bases[t('offlineBase')] = offlineBase;
    CFG.baseLayers.forEach(function (b) { bases[b[state.lang] || b.zh] = window[b.var]; });
    var overlays = {};
    overlays[t('townships')] = townshipLayer;
    overlays[t('projects')] = projectLayer;
    if (layerControl) { map.removeControl(layerControl); }
    layerControl = L.control.layers(bases, overlays, { collapsed: true }).addTo(map);
  }

  function useBase(layer) {
    state.base = layer.tzKey || 'offline';
    shiftToGcj = Boolean(layer.tzGcj);
    drawTownships();  // restacks the base lines under the projects too
    drawProjects();
    drawLegend();
    writeUrl();
  }

  function addLayerControl() {
    var byName = {};
    CFG.baseLayers.forEach(function (b) {
      var layer = window[b.var];
      layer.tzKey = b.key;
      layer.tzGcj = b.gcj02;
      byName[b.key] = layer;
    });
    offlineBase.tzKey = 'offline';
    // An online base map that cannot load a single tile (no internet on the intranet): go back to
    // the offline base and say why, rather than leave grey squares.
    CFG.baseLayers.forEach(function (b) {
      var layer = byName[b.key];
      layer.on('tileload', function () { layer.tzLoaded = true; });
      layer.on('tileerror', function () {
        layer.tzErrors = (layer.tzErrors || 0) + 1;
        if (layer.tzLoaded || layer.tzErrors < 3 || !map.hasLayer(layer)) { return; }
        map.removeLayer(layer);
        offlineBase.addTo(map);
        useBase(offlineBase);
        var note = document.getElementById('tz-base-note');
        note.textContent = t('baseFailed');
        note.hidden = false;
      });
    });
    layerControlLabels();
    (byName[state.base] || offlineBase).addTo(map);
    shiftToGcj = Boolean((byName[state.base] || {}).tzGcj);
    map.on('baselayerchange', function (e) {
      document.getElementById('tz-base-note').hidden = true;
      useBase(e.layer);
    });
  }

  // --- refresh cycle -------------------------------------------------------------------------

  function loadYear() {
    var count = total === null ? projectCount() : Promise.resolve(total);
    return count.then(function () {
      return Promise.all([projectsOf(state.year), townshipsOf(state.year), programmes()]);
    }).then(function (r) {
      current.projects = (r[0] && r[0].features) || [];
      current.townships = (r[1] && r[1].features) || [];
      current.programmes = (r[2] && r[2].features) || [];
    });
  }

  // "Actual" in a year no annual report covers repeats the last report (and later approvals).
  function afterReports() { return state.mode === 'actual' && reportedYear !== null && state.year > reportedYear; }

  // A project is behind plan when a target due by the year, in a year a report covers, is not met:
  // before the first such target nothing can be judged, which the page says instead of a bare 0.
  function behindJudgeable() {
    if (reportedYear === null) { return false; }
    var last = Math.min(state.year, reportedYear);
    return current.projects.some(function (p) {
      return p.properties.planned_year !== null && p.properties.planned_year <= last;
    });
  }
  function behindNote() {
    if (reportedYear === null) { return t('behindNoReport'); }
    var first = null;
    current.projects.forEach(function (p) {
      [p.properties.planned_year, p.properties.target_year].forEach(function (y) {
        if (y !== null && y !== undefined && (first === null || y < first)) { first = y; }
      });
    });
    return t('behindNotYet', { reported: reportedYear, first: first === null ? '—' : first });
  }
  function drawBehindNote() {
    var note = document.getElementById('tz-behind-note');
    if (!behindJudgeable()) { note.textContent = behindNote(); return; }
    var n = current.projects.filter(function (p) { return p.properties.behind_plan; }).length;
    note.textContent = t('behindCount', { n: n });
  }

  function drawBanner() {
    var banner = document.getElementById('tz-banner');
    var after = afterReports();
    banner.hidden = !after;
    banner.textContent = after ? t('afterReports', { year: state.year, reported: reportedYear }) : '';
  }

  function refresh() {
    drawBanner();
    drawBehindNote();
    drawProjects();
    restyleTownships();
    facetCounts();
    townshipSummary();
    programmeNote();
    drawLegend();
    writeUrl();
    // The companions (static/table.js, static/charts.js) show the same selection.
    announce('tzmap:drawn', {
      projects: current.projects.filter(function (p) { return visible(p); }), year: state.year, mode: state.mode,
      lang: state.lang, project: state.project
    });
  }

  function setYear(year) {
    state.year = year;
    document.getElementById('tz-year').value = year;
    document.getElementById('tz-year-value').textContent = year;
    return loadYear().then(function () {
      drawTownships();
      refresh();
      if (state.project) { openProject(state.project, false); }
      document.body.setAttribute('data-year-drawn', year);
    });
  }

  var player = null;
  function togglePlay() {
    var button = document.getElementById('tz-play');
    if (player) { clearInterval(player); player = null; button.textContent = '▶'; return; }
    button.textContent = '❚❚';
    if (state.year === YEARS[YEARS.length - 1]) { setYear(YEARS[0]); }
    player = setInterval(function () {
      var i = YEARS.indexOf(state.year);
      if (i >= YEARS.length - 1) { togglePlay(); return; }
      setYear(YEARS[i + 1]);
    }, 1500);
  }

  function bind() {
    document.getElementById('tz-year').min = YEARS[0];
    document.getElementById('tz-year').max = YEARS[YEARS.length - 1];
    document.getElementById('tz-year').addEventListener('input', function (e) { setYear(parseInt(e.target.value, 10)); });
    document.getElementById('tz-play').addEventListener('click', togglePlay);
    document.querySelectorAll('input[name="tz-mode"]').forEach(function (radio) {
      radio.checked = radio.value === state.mode;
      radio.addEventListener('change', function (e) {
        state.mode = e.target.value;
        // "Not reported" is "no target due" in plan mode: the filter says it as the legend does.
        document.querySelectorAll('#tz-status-filter input').forEach(function (input) {
          input.parentNode.querySelector('.tz-check-name').textContent = statusName(input.value);
        });
        refresh();
      });
    });
    var behind = document.getElementById('tz-behind');
    behind.checked = state.behind;
    behind.addEventListener('change', function (e) { state.behind = e.target.checked; refresh(); });
    document.getElementById('tz-township').addEventListener('change', function (e) { selectTownship(e.target.value, true); });
    document.getElementById('tz-programme').addEventListener('change', function (e) { state.programme = e.target.value; refresh(); });
    var searchBox = document.getElementById('tz-search');
    searchBox.addEventListener('change', function (e) { search(e.target.value); });
    searchBox.addEventListener('keydown', function (e) { if (e.key === 'Enter') { search(e.target.value); } });
    document.getElementById('tz-lang').addEventListener('click', function () {
      state.lang = state.lang === 'zh' ? 'en' : 'zh';
      document.querySelectorAll('input[name="tz-print-lang"]').forEach(function (radio) { radio.checked = radio.value === state.lang; });
      applyLanguage();
      layerControlLabels();
      drawBasemap();
      fillFilters();
      fillTownshipSelect();
      refresh();
      announce('tzmap:lang', { lang: state.lang });
      if (state.project) { openProject(state.project, false); }
    });
    document.getElementById('tz-collapse').addEventListener('click', function () {
      document.body.classList.toggle('tz-panel-collapsed');
      map.invalidateSize();
    });
    TABS.forEach(function (name) {
      document.getElementById('tz-tab-' + name).addEventListener('click', function () {
        showTab(state.tab === name ? '' : name);
      });
    });
    document.getElementById('tz-drawer-close').addEventListener('click', function () { showTab(''); });
    // The first stop of the keyboard: straight to the table, past the filters.
    document.getElementById('tz-skip').addEventListener('click', function () {
      showTab('table');
      document.getElementById('tz-table-pane').focus();
    });
    map.on('moveend', writeUrl);
    map.on('zoomend', fitLabels);
    map.on('moveend', function () {
      if (!large()) { return; }
      projectsOf(state.year).then(function (r) { current.projects = (r && r.features) || []; refresh(); });
    });
  }

  // --- start -------------------------------------------------------------------------------

  readUrl();
  applyLanguage();
  townshipLayer.addTo(map);
  projectLayer.addTo(map);
  selectionLayer.addTo(map);
  addLayerControl();
  addFullscreen();
  addLegendControl();
  bind();
  bindPrintDialog();
  // The banner stands over the map, where the colours it qualifies are.
  ['tz-banner', 'tz-base-note'].forEach(function (id) {
    var note = document.getElementById(id);
    map.getContainer().appendChild(note);
    L.DomEvent.disableClickPropagation(note);
  });
  var hadView = new URLSearchParams(window.location.search).has('view');
  var started = false;

  // A map closed to anonymous readers: say so and wait for a sign-in (static/edit.js listens,
  // or reads the mark on the body when it starts after this).
  function signInNeeded() {
    current.projects = [];
    current.townships = [];
    document.getElementById('tz-year').value = state.year;
    document.getElementById('tz-year-value').textContent = state.year;
    drawTownships();
    drawProjects();
    drawLegend();
    document.getElementById('tz-project').hidden = true;
    document.getElementById('tz-count').textContent = t('signInToRead');
    document.body.setAttribute('data-sign-in', 'needed');
    announce('tzmap:unauthorized', {});
  }
  function failed(error) {
    if (error.status === 401) { signInNeeded(); }
    else { document.getElementById('tz-count').textContent = String(error); }
  }

  function start() {
    if (CFG.anonymousRead === false && !(window.tzAuth && window.tzAuth.signedIn())) {
      signInNeeded();
      return Promise.resolve();
    }
    document.body.removeAttribute('data-sign-in');
    drawBasemap().catch(function () { /* the base is optional; the data says what failed */ });
    return setYear(state.year).then(function () {
      resolveTownship();
      fillTownshipSelect();
      fillFilters();
      refresh();
      if (!hadView) {
        if (state.township) { selectTownship(state.township, true); }
        else { map.fitBounds(townshipLayer.getBounds(), { animate: false }); }
      }
      if (state.project) { openProject(state.project, !hadView); }
      if (state.tab) { showTab(state.tab); }
      started = true;
      document.body.setAttribute('data-ready', 'true');
    }).catch(failed);
  }

  // Read everything again (after signing in, or once a change was approved): the map, the
  // filters, the open project with its timeline.
  function reload() {
    cache = {};
    total = null;
    if (!started || (CFG.anonymousRead === false && !(window.tzAuth && window.tzAuth.signedIn()))) {
      started = false;
      return start();
    }
    return setYear(state.year).then(function () {
      fillTownshipSelect();
      fillFilters();
      refresh();
      var open = current.projects.some(function (f) { return f.id === state.project; });
      if (state.project && !open && !large()) {  // retired meanwhile
        state.project = '';
        document.getElementById('tz-project').hidden = true;
        writeUrl();
        announce('tzmap:project', { id: '', feature: null, panel: document.getElementById('tz-project') });
      }
    }).catch(failed);
  }

  // Where a coordinate is drawn (shifted to GCJ-02 over a Chinese base map) and back: the
  // geometry editor draws like the map and saves in WGS84.
  function fromLatLng(latlng) {
    var lon = latlng.lng, lat = latlng.lat;
    var x = lon, y = lat;
    if (shiftToGcj && !outOfChina(lon, lat)) {
      for (var i = 0; i < 4; i += 1) {
        var d = gcjDelta(x, y);
        x = lon - d[0];
        y = lat - d[1];
      }
    }
    return [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6];
  }

  start();

  // For tests and the curious: what is drawn right now.
  window.tzmap = {
    state: state,
    map: map,
    reload: reload,
    openProject: openProject,
    showTab: showTab,
    feature: function (id) { return current.projects.filter(function (f) { return f.id === id; })[0] || null; },
    layerOf: function (id) { return layersByProject[id] || null; },
    markedProject: function () { return selectionLayer.getLayers().length ? state.project : ''; },
    toLatLng: toLatLng,
    fromLatLng: fromLatLng,
    setDrawing: function (on) { drawing = Boolean(on); },
    statuses: STATUSES,
    vocabulary: VOCAB,
    statusName: statusName,
    qualityName: qualityName,
    programmeStageName: function (stage) { return VOCAB.programmeStages[state.lang][stage] || stage; },
    categoryName: categoryName,
    el: el,
    clear: clear,
    colours: COLOURS,
    years: YEARS,
    reportedYear: function () { return reportedYear; },
    // The projects the filters select (placed and unplaced), and those of another year.
    selected: function () { return current.projects.filter(function (p) { return visible(p); }); },
    projectsOf: function (year) {
      return projectsOf(year).then(function (r) { return (r && r.features) || []; });
    },
    matches: function (f, options) { return visible(f, options && options.ignoreStatus ? 'status' : undefined); },
    shownStatus: shownStatus,
    // Whether any project can be judged behind plan in the year shown, and if not, why.
    behindJudgeable: behindJudgeable,
    behindNote: behindNote,
    // The print dialog for the comparison of two years (the "what changed" pane), if a server
    // can print: not in a standalone export.
    canPrint: function () { return !CFG.embedded && Boolean(CFG.printUrl); },
    printComparison: function (since, year, from) { openPrintDialog({ since: since, year: year }, from); },
    townships: function () { return current.townships; },
    programmes: function () { return current.programmes; },
    visibleProjectIds: function () { return Object.keys(layersByProject).sort(); },
    projectColour: function (id) {
      var p = current.projects.filter(function (f) { return f.id === id; })[0];
      return p ? COLOURS[shownStatus(p)] : null;
    },
    townshipFill: function (code) {
      var t = current.townships.filter(function (f) { return f.properties.code === code; })[0];
      return t ? { count: townshipCount(t), fill: CHORO[choroClass(townshipCount(t))] } : null;
    }
  };
})();
