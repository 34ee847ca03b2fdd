/// The studio's one page: cartoonize, tune the edge smoothing, watch a run. Plain HTML, CSS
/// and script with nothing fetched from elsewhere, so it works offline.
enum StudioPage {
  static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Celshade studio</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    [hidden] { display: none !important; }
    body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
    header { background: #263238; color: #fff; padding: .6em 1.2em; display: flex; gap: 1.5em; align-items: center; }
    header h1 { font-size: 1.2em; margin: 0; }
    nav button { background: none; border: 0; color: #b0bec5; font: inherit; cursor: pointer; padding: .3em .6em; }
    nav button.on { color: #fff; border-bottom: 2px solid #ffb300; }
    main { padding: 1em 1.2em; }
    section { display: none; } section.on { display: block; }
    .row { display: flex; flex-wrap: wrap; gap: 1em; align-items: center; margin-bottom: .8em; }
    #drop { border: 2px dashed #90a4ae; border-radius: 8px; padding: 1.2em; text-align: center; color: #546e7a; }
    #drop.over { background: #e3f2fd; }
    .status { color: #37474f; min-height: 1.4em; } .error { color: #c62828; }
    .compare { position: relative; display: inline-block; max-width: 100%; }
    .compare img, .compare video { display: block; max-width: 100%; max-height: 70vh; }
    #after { position: absolute; top: 0; left: 0; width: 100%; height: 100%; clip-path: inset(0 50% 0 0); }
    #compare { width: 100%; }
    #smoothing-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: .8em; }
    figure { margin: 0; background: #fff; padding: .3em; border: 1px solid #ddd; }
    figure img { width: 32%; image-rendering: pixelated; }
    label { display: inline-flex; gap: .4em; align-items: center; }
    #chart { background: #fff; border: 1px solid #ddd; width: 100%; height: 320px; }
    #samples img { max-width: 100%; border: 1px solid #ddd; margin-top: .5em; }
    iframe { width: 100%; height: 80vh; border: 1px solid #ddd; background: #fff; }
    </style></head>
    <body>
    <header><h1>Celshade studio</h1>
    <nav><button data-tab="cartoonize" class="on">Cartoonize</button><button data-tab="smoothing">Edge smoothing</button><button data-tab="watch">Watch</button></nav></header>
    <main>
    <section id="cartoonize" class="on">
      <div class="row"><label>Style <select id="style"></select></label>
      <input type="file" id="photo" accept="image/*,video/*"></div>
      <div id="drop">Drop a photo or a short video here</div>
      <p id="cartoon-status" class="status"></p>
      <div class="compare" id="compare-box" hidden>
        <img id="before" alt="original"><img id="after" alt="cartoon">
        <input type="range" id="compare" min="0" max="100" value="50" aria-label="before and after">
      </div>
      <video id="cartoon-video" controls hidden></video>
      <p><a id="download" hidden>Download the cartoon</a></p>
    </section>
    <section id="smoothing">
      <div class="row"><label>Dataset <select id="dataset"></select></label>
        <span id="current" class="status"></span></div>
      <div class="row">
        <label>Canny low <input type="range" id="canny-low" min="0" max="500" value="100"><output id="canny-low-value">100</output></label>
        <label>Canny high <input type="range" id="canny-high" min="0" max="500" value="200"><output id="canny-high-value">200</output></label>
        <label>Dilation <input type="range" id="dilation" min="1" max="15" value="5"><output id="dilation-value">5</output></label>
        <label>Gaussian <input type="range" id="gaussian" min="1" max="15" step="2" value="5"><output id="gaussian-value">5</output></label>
      </div>
      <div class="row"><button id="regenerate">Regenerate the set with these</button>
        <span id="regenerate-status" class="status"></span>
        <button id="dataset-report">Dataset report</button></div>
      <p id="smoothing-status" class="status"></p>
      <div id="smoothing-grid"></div>
    </section>
    <section id="watch">
      <div class="row"><label>Run <select id="run"></select></label>
        <button id="run-report">Run report</button><span id="watch-status" class="status"></span></div>
      <svg id="chart" data-points="0" viewBox="0 0 800 320" preserveAspectRatio="none"></svg>
      <div id="legend" class="status"></div>
      <div id="samples"></div>
    </section>
    <iframe id="report-frame" hidden title="report"></iframe>
    </main>
    <script>
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
    </script>
    </body></html>
    """#
}
