// Floe's web UI: plain JavaScript over /api, no build step and nothing from the internet.
'use strict';

const main = document.getElementById('main');
let refresh = null;

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

function statusBadge(status) {
  return status ? `<span class="status ${esc(status)}">${esc(status)}</span>` : '<span class="muted">never run</span>';
}

async function api(path, options = {}) {
  const headers = Object.assign({'Content-Type': 'application/json'}, options.headers || {});
  const token = localStorage.getItem('floe.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch('/api' + path, Object.assign({}, options, {headers}));
  if (response.status === 401) {
    const entered = prompt('This server needs a token:');
    if (entered) { localStorage.setItem('floe.token', entered); return api(path, options); }
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function seconds(value) {
  return value == null ? '' : Number(value).toFixed(1);
}

function showError(error) {
  main.insertAdjacentHTML('afterbegin', `<p class="error" id="error">${esc(error.message || error)}</p>`);
}

// One chart as SVG: a line over the x values, or a bar per value.
function chartSvg(chart) {
  const W = 520, H = 220, L = 60, B = 36, T = 12;
  const ys = chart.ys.map(v => v ?? 0);
  const max = Math.max(0, ...ys), min = Math.min(0, ...ys);
  const span = max - min || 1;
  const y = v => T + (H - T - B) * (1 - (v - min) / span);
  const n = Math.max(1, chart.xs.length);
  let body;
  if (chart.kind === 'bar') {
    const w = (W - L - 10) / n;
    body = ys.map((v, i) => `<rect class="bar" x="${L + i * w + 2}" y="${y(Math.max(v, 0))}" width="${Math.max(1, w - 4)}"
      height="${Math.abs(y(v) - y(0))}"><title>${esc(chart.xs[i])}: ${v}</title></rect>
      <text x="${L + i * w + w / 2}" y="${H - B + 14}" text-anchor="middle">${esc(String(chart.xs[i]).slice(0, 12))}</text>`).join('');
  } else {
    const x = i => L + (W - L - 10) * (n === 1 ? 0.5 : i / (n - 1));
    body = `<polyline class="line" points="${ys.map((v, i) => x(i) + ',' + y(v)).join(' ')}"/>
      <text x="${L}" y="${H - B + 14}">${esc(chart.xs[0] ?? '')}</text>
      <text x="${W - 10}" y="${H - B + 14}" text-anchor="end">${esc(chart.xs[n - 1] ?? '')}</text>`;
  }
  const fmt = v => Math.abs(v) >= 1000 ? Math.round(v).toLocaleString() : Number(v.toPrecision(3)).toString();
  return `<figure class="chart" data-table="${esc(chart.table)}" data-kind="${esc(chart.kind)}" data-points="${ys.length}">
    <figcaption><b>${esc(chart.table)}</b> · ${esc(chart.y)} by ${esc(chart.x)}</figcaption>
    <svg width="${W}" height="${H}"><line class="axis" x1="${L}" y1="${y(min)}" x2="${W - 10}" y2="${y(min)}"/>
    <line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${H - B}"/>
    <text x="${L - 4}" y="${T + 8}" text-anchor="end">${fmt(max)}</text>
    <text x="${L - 4}" y="${H - B}" text-anchor="end">${fmt(min)}</text>${body}</svg></figure>`;
}

const pages = {
  async runs(params) {
    const status = params.get('status') || '';
    const schedule = params.get('schedule') || '';
    const [runs, schedules] = await Promise.all([
      api(`/runs?limit=200&status=${encodeURIComponent(status)}&schedule=${encodeURIComponent(schedule)}`),
      api('/schedules')]);
    const statusOptions = ['', 'running', 'success', 'failed', 'cancelled', 'interrupted']
      .map(s => `<option value="${s}" ${s === status ? 'selected' : ''}>${s || 'any status'}</option>`).join('');
    const scheduleOptions = [''].concat(schedules.schedules.map(s => s.name))
      .map(s => `<option value="${esc(s)}" ${s === schedule ? 'selected' : ''}>${esc(s) || 'any schedule'}</option>`).join('');
    main.innerHTML = `<h1>Runs</h1>
      <div class="toolbar">
        <button class="primary" id="build">Build now</button>
        <select id="status">${statusOptions}</select>
        <select id="schedule">${scheduleOptions}</select>
      </div>
      <table id="runs"><thead><tr><th>Run</th><th>Command</th><th>Status</th><th>Started</th><th>Seconds</th><th>Message</th></tr></thead>
      <tbody>${runs.runs.map(r => `<tr data-run="${esc(r.id)}">
        <td><a href="#/runs/${esc(r.id)}">${esc(r.id)}</a></td><td>${esc(r.command)}</td>
        <td>${statusBadge(r.status)}</td><td>${time(r.startedAt)}</td><td class="num">${seconds(r.seconds)}</td>
        <td>${esc(r.message)}</td></tr>`).join('') || '<tr><td colspan="6" class="muted">No runs yet.</td></tr>'}</tbody></table>`;
    const filter = () => location.hash = `#/runs?status=${document.getElementById('status').value}&schedule=${document.getElementById('schedule').value}`;
    document.getElementById('status').onchange = filter;
    document.getElementById('schedule').onchange = filter;
    document.getElementById('build').onclick = async () => {
      try {
        const run = await api('/runs', {method: 'POST', body: JSON.stringify({command: 'build'})});
        location.hash = run.id ? '#/runs/' + run.id : '#/runs';
      } catch (e) { showError(e); }
    };
    refresh = setTimeout(route, 3000);
  },

  async run(params, id) {
    const run = await api('/runs/' + encodeURIComponent(id));
    // Tests run beside the models (those of one pass share its time): the timeline lays out the rest.
    const laid = run.nodes.filter(n => n.kind !== 'test');
    const total = Math.max(1, laid.reduce((sum, n) => sum + n.millis, 0));
    let start = 0;
    const bars = laid.map(n => {
      const left = 100 * start / total; start += n.millis;
      const width = Math.max(0.3, 100 * n.millis / total);
      return `<div class="row"><div class="bar ${esc(n.status)}" style="left:${left}%;width:${width}%"
        title="${esc(n.kind)} ${esc(n.name)}: ${seconds(n.millis / 1000)} s"></div>
        <span class="label">${esc(n.kind)} ${esc(n.name)} · ${seconds(n.millis / 1000)} s</span></div>`;
    }).join('');
    const severity = {error: 0, fail: 0, warn: 1};
    const failing = run.nodes.filter(n => n.kind === 'test' && n.status !== 'pass')
      .sort((a, b) => (severity[a.status] ?? 2) - (severity[b.status] ?? 2));
    main.innerHTML = `<h1>Run ${esc(run.id)} ${statusBadge(run.status)}</h1>
      <div class="toolbar"><span>${esc(run.command)}</span><span class="muted">started ${time(run.startedAt)},
        ${seconds(run.seconds)} s</span>${run.cancellable ? '<button id="cancel">Cancel</button>' : ''}</div>
      <p>${esc(run.message)}</p>
      <h2>Timeline</h2><div class="timeline" id="timeline">${bars || '<p class="muted">No nodes yet.</p>'}</div>
      <h2>Nodes</h2>
      <table id="nodes"><thead><tr><th>Kind</th><th>Name</th><th>Table</th><th>Status</th><th>Rows</th><th>Seconds</th><th title="CPU seconds of the node's Spark tasks">CPU s</th><th>Snapshot</th><th>Detail</th></tr></thead>
      <tbody>${run.nodes.map(n => `<tr><td>${esc(n.kind)}</td><td>${esc(n.name)}</td>
        <td>${n.target ? `<a href="#/tables/${esc(n.target)}">${esc(n.target)}</a>` : ''}</td>
        <td>${statusBadge(n.status)}</td><td class="num">${n.rows}</td><td class="num">${seconds(n.millis / 1000)}</td>
        <td class="num cpu">${n.work && n.work.jobs ? seconds(n.work.cpuMillis / 1000) : ''}</td>
        <td>${esc(n.snapshotId)}</td><td class="rows">${esc(n.kind === 'test' ? '' : n.detail)}</td></tr>`).join('')}</tbody></table>
      ${failing.length ? `<h2>Failing tests</h2>${failing.map(t => `<div class="failing-test"><b>${esc(t.name)}</b>
        ${statusBadge(t.status)} ${t.rows} offending rows<pre class="rows">${esc(t.detail)}</pre></div>`).join('')}` : ''}
      <h2>Log</h2><pre id="log">${esc(run.log.join('\n'))}</pre>`;
    const cancel = document.getElementById('cancel');
    if (cancel) cancel.onclick = async () => {
      try { await api(`/runs/${encodeURIComponent(id)}/cancel`, {method: 'POST'}); route(); } catch (e) { showError(e); }
    };
    if (run.status === 'running') refresh = setTimeout(route, 1500);
  },

  async lineage(params) {
    const showTests = params.get('tests') !== 'hide';
    const graph = await api('/graph');
    if (!showTests) graph.nodes = graph.nodes.filter(n => n.kind !== 'test');
    const byName = new Map(graph.nodes.map(n => [n.name, n]));
    const depth = new Map();
    const depthOf = (name, seen = new Set()) => {
      if (depth.has(name)) return depth.get(name);
      if (seen.has(name)) return 0;
      seen.add(name);
      const node = byName.get(name);
      const d = node ? Math.max(-1, ...node.dependsOn.filter(p => byName.has(p)).map(p => depthOf(p, seen))) + 1 : 0;
      depth.set(name, d);
      return d;
    };
    graph.nodes.forEach(n => depthOf(n.name));
    const columns = [];
    graph.nodes.forEach(n => (columns[depth.get(n.name)] ||= []).push(n));
    const order = {source: 0, model: 1, test: 2};
    columns.forEach(c => c.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name)));
    const W = 190, H = 26, GAP = 60;
    const at = new Map();
    columns.forEach((c, x) => c.forEach((n, y) => at.set(n.name, {x: 10 + x * (W + GAP), y: 10 + y * (H + 8)})));
    const width = 20 + columns.length * (W + GAP);
    const height = 20 + Math.max(1, ...columns.map(c => c.length)) * (H + 8);
    const colour = s => ({success: '#bfe5cc', pass: '#bfe5cc', unchanged: '#dfe6ee', fail: '#f3c0ba', failed: '#f3c0ba',
      error: '#f3c0ba', warn: '#f6dcae', skipped: '#f6dcae'}[s] || '#ffffff');
    const edges = [];
    graph.nodes.forEach(n => n.dependsOn.filter(p => at.has(p)).forEach(p => {
      const a = at.get(p), b = at.get(n.name);
      edges.push(`<path class="edge" data-from="${esc(p)}" data-to="${esc(n.name)}" d="M${a.x + W},${a.y + H / 2} C${a.x + W + GAP / 2},${a.y + H / 2} ${b.x - GAP / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}"/>`);
    }));
    const nodes = graph.nodes.map(n => {
      const p = at.get(n.name);
      const label = n.name.length > 28 ? n.name.slice(0, 27) + '…' : n.name;
      return `<g class="node" data-name="${esc(n.name)}" data-status="${esc(n.status || '')}" transform="translate(${p.x},${p.y})">
        <title>${esc(n.kind)} ${esc(n.name)}: ${esc(n.status || 'never run')}</title>
        <rect width="${W}" height="${H}" fill="${colour(n.status)}"></rect>
        <text x="6" y="17">${esc(n.kind[0].toUpperCase())} ${esc(label)}</text></g>`;
    }).join('');
    main.innerHTML = `<h1>Lineage</h1><p class="muted">${graph.nodes.length} nodes: sources → models → tests,
      coloured by their last outcome. Click a node to light up its upstream and downstream.
      <a id="toggle-tests" href="#/lineage?tests=${showTests ? 'hide' : 'show'}">${showTests ? 'Hide' : 'Show'} tests</a></p>
      <div class="lineage"><svg id="lineage" width="${width}" height="${height}">${edges.join('')}${nodes}</svg></div>`;
    const svg = document.getElementById('lineage');
    svg.addEventListener('click', event => {
      const g = event.target.closest('g.node');
      svg.querySelectorAll('.lit').forEach(e => e.classList.remove('lit'));
      svg.querySelectorAll('g.dim').forEach(e => e.classList.remove('dim'));
      if (!g) return;
      const keep = new Set([g.dataset.name]);
      const walk = (name, up) => graph.nodes.forEach(n => {
        const next = up ? (byName.get(name)?.dependsOn.includes(n.name) ? n.name : null)
                        : (n.dependsOn.includes(name) ? n.name : null);
        if (next && !keep.has(next)) { keep.add(next); walk(next, up); }
      });
      walk(g.dataset.name, true); walk(g.dataset.name, false);
      svg.querySelectorAll('g.node').forEach(n => { if (!keep.has(n.dataset.name)) n.classList.add('dim'); });
      svg.querySelectorAll('path.edge').forEach(e => {
        if (keep.has(e.dataset.from) && keep.has(e.dataset.to)) e.classList.add('lit');
      });
    });
  },

  async tables() {
    const tables = await api('/tables');
    main.innerHTML = `<h1>Tables</h1><table id="tables"><thead><tr><th>Table</th><th>Rows</th><th>Columns</th><th>Snapshot</th><th>Committed</th></tr></thead>
      <tbody>${tables.tables.map(t => `<tr><td><a href="#/tables/${esc(t.name)}">${esc(t.name)}</a></td>
        <td class="num">${t.rows}</td><td class="num">${t.columns}</td><td>${esc(t.snapshotId)}</td>
        <td>${time(t.committedAt)}</td></tr>`).join('')}</tbody></table>`;
  },

  async table(params, name) {
    const table = await api('/tables/' + encodeURIComponent(name));
    const snapshot = params.get('snapshot') || '';
    const preview = await api(`/tables/${encodeURIComponent(name)}/preview?snapshot=${encodeURIComponent(snapshot)}`);
    main.innerHTML = `<h1>${esc(table.name)}</h1>
      <p class="muted">${table.rows} rows in ${table.dataFiles} files · format v${table.formatVersion} ·
        partitioned by ${esc(table.partitioning.join(', ') || 'nothing')} · ${esc(table.location)}</p>
      <h2>Schema</h2><table id="schema"><thead><tr><th>Id</th><th>Column</th><th>Type</th><th>Required</th><th>Doc</th></tr></thead>
      <tbody>${table.columns.map(c => `<tr><td class="num">${c.id}</td><td>${esc(c.name)}</td><td>${esc(c.type)}</td>
        <td>${c.required ? 'yes' : ''}</td><td>${esc(c.doc)}</td></tr>`).join('')}</tbody></table>
      <h2>Branches and tags</h2><table id="refs"><thead><tr><th>Name</th><th>Type</th><th>Snapshot</th></tr></thead>
      <tbody>${table.refs.map(r => `<tr><td>${esc(r.name)}</td><td>${esc(r.type)}</td><td>${esc(r.snapshotId)}</td></tr>`).join('')}</tbody></table>
      <h2>Snapshots</h2><table id="snapshots"><thead><tr><th>Snapshot</th><th>Committed</th><th>Operation</th><th>Added</th><th>Deleted</th><th>Total</th><th>Refs</th><th></th></tr></thead>
      <tbody>${table.snapshots.map(s => `<tr data-snapshot="${esc(s.snapshotId)}"><td>${esc(s.snapshotId)}${s.current ? ' (current)' : ''}</td>
        <td>${time(s.committedAt)}</td><td>${esc(s.operation)}</td><td class="num">${s.addedRecords}</td>
        <td class="num">${s.deletedRecords}</td><td class="num">${s.totalRecords}</td><td>${esc(s.refs.join(', '))}</td>
        <td><a class="time-travel" href="#/tables/${esc(table.name)}?snapshot=${esc(s.snapshotId)}">preview</a></td></tr>`).join('')}</tbody></table>
      <h2 id="preview-title">Data ${snapshot ? 'as of snapshot ' + esc(snapshot) : '(current)'}</h2>
      <table id="preview"><thead><tr>${preview.columns.map(c => `<th>${esc(c)}</th>`).join('')}</tr></thead>
      <tbody>${preview.rows.map(r => `<tr>${r.map(v => `<td>${esc(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  },

  async charts() {
    const charts = (await api('/charts')).charts;
    main.innerHTML = `<h1>Charts</h1><p class="muted">The serving layer's tables: a date column's numbers over
      time, or the rows per value of a column with a few values.</p><div id="charts" class="charts">${
      charts.map(chartSvg).join('') || '<p class="muted">No published table to chart yet.</p>'}</div>`;
  },

  async schedules() {
    const [schedules, backfills] = await Promise.all([api('/schedules'), api('/backfills')]);
    const when = s => s.trigger === 'new-data'
      ? `new data in ${esc(s.sources.join(', '))} <span class="muted">(asked every ${esc(s.pollInterval)})</span>`
      : `<code>${esc(s.cron)}</code> ${esc(s.timeZone)}`;
    const counts = b => Object.entries(b.counts).map(([status, n]) => `${statusBadge(status)} ${n}`).join(' ');
    main.innerHTML = `<h1>Schedules</h1><table id="schedules"><thead><tr><th>Schedule</th><th>When</th><th>Runs</th>
      <th>Next runs</th><th>State</th><th></th></tr></thead>
      <tbody>${schedules.schedules.map(s => `<tr data-schedule="${esc(s.name)}"><td><a href="#/runs?schedule=${esc(s.name)}">${esc(s.name)}</a></td>
        <td>${when(s)}</td>
        <td>${s.sources.length ? 'ingest ' + esc(s.sources.join(', ')) : ''} ${s.select.length ? 'build ' + esc(s.select.join(', ')) : ''}</td>
        <td>${s.nextRuns.map(t => esc(time(t))).join('<br>')}</td>
        <td>${s.paused ? 'paused' : s.running ? 'running' : 'active'}</td>
        <td><button data-action="${s.paused ? 'resume' : 'pause'}">${s.paused ? 'Resume' : 'Pause'}</button>
          <button data-action="trigger">Run now</button></td></tr>`).join('')
        || '<tr><td colspan="6" class="muted">No schedules: add a schedules: section to floe.yaml.</td></tr>'}</tbody></table>
      <h2>Backfills</h2>
      <form id="backfill-form" class="inline-form">
        <input id="backfill-select" placeholder="models, e.g. tag:gold (all if empty)">
        <input id="backfill-start" placeholder="start, e.g. 2026-01-01" required>
        <input id="backfill-end" placeholder="end (not included)" required>
        <select id="backfill-interval"><option>day</option><option>week</option><option>month</option><option>hour</option></select>
        <button type="submit">Start backfill</button>
      </form>
      <p class="muted">One run per interval, one after another, given the interval as the variables
        <code>start_date</code> and <code>end_date</code>; a retry re-runs only the intervals that failed.</p>
      <table id="backfills"><thead><tr><th>#</th><th>Models</th><th>Range</th><th>Intervals</th><th></th></tr></thead>
      <tbody>${backfills.backfills.map(b => `<tr data-backfill="${b.id}"><td>${b.id}</td>
        <td>${esc(b.select.join(', ') || 'all')}</td><td>${esc(b.start)} to ${esc(b.end)} by ${esc(b.interval)}</td>
        <td>${counts(b)}<details><summary>each interval</summary>${b.intervals.map(i => `<div class="interval" data-status="${esc(i.status)}">
          ${esc(i.start)} ${statusBadge(i.status)} ${i.runId ? `<a href="#/runs/${esc(i.runId)}">${esc(i.runId)}</a>` : ''}
          <span class="muted">${esc(i.message)}</span></div>`).join('')}</details></td>
        <td><button data-backfill-action="retry" ${b.counts.failed || b.counts.cancelled ? '' : 'disabled'}>Retry failed</button>
          <button data-backfill-action="cancel" ${b.counts.queued || b.counts.running ? '' : 'disabled'}>Cancel</button></td></tr>`).join('')
        || '<tr><td colspan="5" class="muted">No backfills yet.</td></tr>'}</tbody></table>`;
    main.querySelectorAll('button[data-action]').forEach(button => button.onclick = async () => {
      const name = button.closest('tr').dataset.schedule;
      try {
        await api(`/schedules/${encodeURIComponent(name)}/${button.dataset.action}`, {method: 'POST'});
        route();
      } catch (e) { showError(e); }
    });
    main.querySelectorAll('button[data-backfill-action]').forEach(button => button.onclick = async () => {
      const id = button.closest('tr').dataset.backfill;
      try {
        await api(`/backfills/${id}/${button.dataset.backfillAction}`, {method: 'POST'});
        route();
      } catch (e) { showError(e); }
    });
    document.getElementById('backfill-form').onsubmit = async event => {
      event.preventDefault();
      const value = id => document.getElementById(id).value.trim();
      try {
        await api('/backfills', {method: 'POST', body: JSON.stringify({select: value('backfill-select'),
          start: value('backfill-start'), end: value('backfill-end'), interval: value('backfill-interval')})});
        route();
      } catch (e) { showError(e); }
    };
    if (backfills.backfills.some(b => b.counts.queued || b.counts.running)) refresh = setTimeout(route, 2000);
  },
};

async function route() {
  clearTimeout(refresh);
  const hash = location.hash.replace(/^#\/?/, '') || 'runs';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const [page, ...rest] = path.split('/');
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.page === page));
  try {
    if (page === 'runs' && rest.length) await pages.run(params, decodeURIComponent(rest.join('/')));
    else if (page === 'tables' && rest.length) await pages.table(params, decodeURIComponent(rest.join('/')));
    else if (pages[page]) await pages[page](params);
    else main.innerHTML = '<p>No such page.</p>';
  } catch (e) {
    main.innerHTML = '';
    showError(e);
  }
}

window.addEventListener('hashchange', route);
api('/status').then(s => { document.getElementById('project').textContent = s.project; }).catch(() => {});
route();
