/* Upload a report, show the proposed updates. Every value is set as text, never as HTML. */
(function () {
  'use strict';
  var form = document.getElementById('tz-extract-form');
  var status = document.getElementById('tz-extract-status');
  var table = document.getElementById('tz-proposals');
  var body = table.querySelector('tbody');

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    if (!data.get('report_year')) { data.delete('report_year'); }
    status.textContent = '解读中… / reading…';
    fetch('/extract', { method: 'POST', body: data }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      while (body.firstChild) { body.removeChild(body.firstChild); }
      if (!result.ok) { status.textContent = result.json.detail || 'error'; table.hidden = true; return; }
      var proposals = result.json.proposals;
      status.textContent = result.json.document.title + ' · ' + result.json.report_year + ' · ' +
        proposals.length + ' 条建议 / proposals';
      proposals.forEach(function (p) {
        var row = document.createElement('tr');
        if (p.state !== 'new') { row.className = 'tz-recorded'; }
        cell(row, p.project_name || p.entity_name || p.mention);
        cell(row, p.kind);
        cell(row, p.status || (p.value !== null ? p.value + (p.unit || '') : ''));
        cell(row, p.year);
        cell(row, p.milestone);
        cell(row, p.confidence);
        cell(row, p.state);
        cell(row, '[' + p.evidence_start + '–' + p.evidence_end + '] ' + p.evidence, 'tz-evidence');
        body.appendChild(row);
      });
      table.hidden = false;
    }).catch(function (error) { status.textContent = String(error); });
  });
})();
