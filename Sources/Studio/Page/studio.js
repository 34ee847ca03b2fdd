const $ = id => document.getElementById(id);
const sleep = ms => new Promise(done => setTimeout(done, ms));
async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}
function say(element, text, isError) {
  element.textContent = text;
  element.classList.toggle('error', !!isError);
}
function fill(select, groups) {
  select.innerHTML = '';
  for (const [label, items] of groups) {
    if (!items.length) continue;
    const group = document.createElement('optgroup');
    group.label = label;
    for (const item of items) group.append(new Option(item.name, item.id));
    select.append(group);
  }
}
for (const button of document.querySelectorAll('nav button')) {
  button.onclick = () => {
    for (const other of document.querySelectorAll('nav button, section'))
      other.classList.toggle('on', other === button || other.id === button.dataset.tab);
    $('report-frame').hidden = true;
    if (button.dataset.tab === 'smoothing') redraw();
    if (button.dataset.tab === 'watch') watch();
  };
}
async function follow(job, status) {
  for (;;) {
    if (job.state === 'queued') say(status, `${job.title}: waiting, number ${job.position} in the queue`);
    if (job.state === 'running')
      say(status, `${job.title}: working` + (job.total ? ` (${job.done} of ${job.total})` : job.done ? ` (${job.done})` : ''));
    if (job.state === 'done') { say(status, job.message); return job; }
    if (job.state === 'failed') { say(status, job.message, true); return job; }
    await sleep(250);
    job = await api(`/api/jobs/${job.id}`);
  }
}

// Cartoonize.
async function cartoonize(file) {
  const status = $('cartoon-status');
  $('download').hidden = true;
  try {
    const style = $('style').value;
    if (!style) throw new Error('no style found under the served folders');
    say(status, `sending ${file.name}`);
    let job = await api(`/api/cartoonize?style=${encodeURIComponent(style)}&name=${encodeURIComponent(file.name)}`,
      { method: 'POST', body: file });
    job = await follow(job, status);
    if (job.state !== 'done') return;
    const isVideo = /\.(mp4|mkv|avi|mov|webm|m4v)$/i.test(file.name);
    $('compare-box').hidden = isVideo;
    $('cartoon-video').hidden = !isVideo;
    if (isVideo) {
      $('cartoon-video').src = job.result;
    } else {
      $('before').src = URL.createObjectURL(file);
      $('after').src = job.result;
      $('after').dataset.job = job.id;
    }
    $('download').href = job.result + '?download=1';
    $('download').hidden = false;
  } catch (error) { say(status, error.message, true); }
}
$('photo').onchange = () => { if ($('photo').files[0]) cartoonize($('photo').files[0]); };
$('compare').oninput = () => { $('after').style.clipPath = `inset(0 ${100 - $('compare').value}% 0 0)`; };
const drop = $('drop');
drop.ondragover = event => { event.preventDefault(); drop.classList.add('over'); };
drop.ondragleave = () => drop.classList.remove('over');
drop.ondrop = event => {
  event.preventDefault();
  drop.classList.remove('over');
  if (event.dataTransfer.files[0]) cartoonize(event.dataTransfer.files[0]);
};

// Edge smoothing.
const sliders = ['canny-low', 'canny-high', 'dilation', 'gaussian'];
function parameters() {
  const low = +$('canny-low').value, high = +$('canny-high').value;
  return `dataset=${encodeURIComponent($('dataset').value)}&canny=${Math.min(low, high)},${Math.max(low, high)}` +
    `&dilation=${$('dilation').value}&gaussian=${$('gaussian').value}`;
}
let drawing = false, pending = false;
async function redraw() {
  if (!$('dataset').value) { say($('smoothing-status'), 'no dataset found under the served folders'); return; }
  if (drawing) { pending = true; return; }
  drawing = true;
  try {
    const asked = parameters();
    const page = await api(`/api/smoothing?${asked}`);
    const grid = $('smoothing-grid');
    if (grid.children.length !== page.tiles.length) {
      grid.innerHTML = page.tiles.map(() =>
        '<figure><img class="tile" alt="tile"><img class="twin" alt="smoothed"><img class="mask" alt="edge mask"></figure>').join('');
    }
    page.tiles.forEach((tile, index) => {
      const figure = grid.children[index];
      figure.querySelector('.tile').src = tile.tile;
      figure.querySelector('.twin').src = tile.twin;
      figure.querySelector('.mask').src = tile.mask;
    });
    grid.dataset.parameters = JSON.stringify(page.parameters);
    const current = page.current ? Object.entries(page.current).sort().map(([k, v]) => `${k} ${v}`).join(', ') : 'not smoothed yet';
    say($('current'), `the set now: ${current}`);
    say($('smoothing-status'), `12 tiles, their edge-smoothed twins and edge masks, drawn in ${Math.round(page.milliseconds)} ms`);
  } catch (error) { say($('smoothing-status'), error.message, true); }
  drawing = false;
  if (pending) { pending = false; redraw(); }
}
for (const id of sliders) {
  $(id).oninput = () => { $(`${id}-value`).textContent = $(id).value; redraw(); };
}
$('dataset').onchange = async () => {
  try {
    const page = await api(`/api/smoothing?dataset=${encodeURIComponent($('dataset').value)}`);
    const current = page.current || page.parameters;
    const [low, high] = current.canny.split(',').map(Number);
    const values = { 'canny-low': low, 'canny-high': high, dilation: current.dilation, gaussian: current.gaussian };
    for (const id of sliders) { $(id).value = values[id]; $(`${id}-value`).textContent = $(id).value; }
  } catch (error) { say($('smoothing-status'), error.message, true); }
  redraw();
};
$('regenerate').onclick = async () => {
  const status = $('regenerate-status');
  try {
    const job = await follow(await api(`/api/regenerate?${parameters()}`, { method: 'POST' }), status);
    if (job.state === 'done') redraw();
  } catch (error) { say(status, error.message, true); }
};
async function showReport(query) {
  try {
    const answer = await api(`/api/report?${query}`);
    $('report-frame').src = answer.page;
    $('report-frame').hidden = false;
  } catch (error) { alert(error.message); }
}
$('dataset-report').onclick = () => showReport(`dataset=${encodeURIComponent($('dataset').value)}`);

// Watch a run.
const series = [['content', 0, '#1e88e5'], ['generator adversarial', 2, '#e53935'], ['discriminator', 3, '#43a047']];
let source = null, rows = [], watched = null;
function drawChart() {
  const chart = $('chart');
  const width = 800, height = 320, pad = 30;
  const values = rows.flatMap(row => series.map(([, column]) => row.values[column])).filter(v => v !== null);
  const top = Math.max(1e-9, ...values);
  const x = step => pad + (width - 2 * pad) * step / Math.max(1, rows.length - 1);
  const y = value => height - pad - (height - 2 * pad) * value / top;
  let svg = `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/>` +
    `<text x="${pad}" y="${pad - 10}" font-size="12">${top.toPrecision(3)}</text>`;
  for (const [name, column, colour] of series) {
    const points = rows.filter(row => row.values[column] !== null)
      .map((row, index) => `${x(index).toFixed(1)},${y(row.values[column]).toFixed(1)}`).join(' ');
    svg += `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"><title>${name}</title></polyline>`;
  }
  chart.innerHTML = svg;
  chart.dataset.points = rows.length;
  $('legend').innerHTML = series.map(([name, , colour]) => `<span style="color:${colour}">■ ${name}</span>`).join(' &nbsp; ');
}
function watch() {
  const run = $('run').value;
  if (!run) { say($('watch-status'), 'no training run found under the served folders'); return; }
  if (run === watched && source) return;
  if (source) source.close();
  watched = run; rows = []; $('samples').innerHTML = ''; drawChart();
  source = new EventSource(`/api/watch?run=${encodeURIComponent(run)}`);
  source.onopen = () => say($('watch-status'), 'watching: the chart grows as the run writes');
  source.onerror = () => say($('watch-status'), 'connection lost; retrying', true);
  source.onmessage = event => {
    const update = JSON.parse(event.data);
    if (update.restarted) rows = [];
    update.steps.forEach((step, index) => rows.push({ step, epoch: update.epochs[index], values: update.values[index] }));
    for (const name of update.samples) {
      const image = new Image();
      image.src = `/files/${[...run.split('/'), 'samples', name].map(encodeURIComponent).join('/')}`;
      image.alt = name;
      image.title = name;
      $('samples').prepend(image);
    }
    drawChart();
  };
}
$('run').onchange = watch;
$('run-report').onclick = () => showReport(`run=${encodeURIComponent($('run').value)}`);

(async () => {
  try {
    const catalog = await api('/api/catalog');
    fill($('style'), [['Published styles', catalog.styles], ['Trained runs', catalog.runs]]);
    fill($('dataset'), [['Datasets', catalog.datasets]]);
    fill($('run'), [['Training runs', catalog.runs]]);
    if (catalog.datasets.length) $('dataset').onchange();
    document.body.dataset.ready = 'yes';
  } catch (error) { say($('cartoon-status'), error.message, true); }
})();
