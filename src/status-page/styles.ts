/**
 * The page's stylesheet, served by the hub (src/status-page/assets.ts). One colour per severity (`--sev-*`),
 * each at least 4.5:1 against the badge background in light and dark (test/status-page/contrast.test.ts
 * reads these lines), and every badge carries an icon and a word as well, so colour is never alone.
 */
export const CSS = `
:root{--fg:#1b1f24;--muted:#545d68;--bg:#ffffff;--line:#d0d7de;--chip:#eef1f4;--link:#0758c2;
--sev-ok:#116329;--sev-info:#0550ae;--sev-warning:#7d4e00;--sev-error:#b42318;--sev-critical:#ffffff;--sev-critical-bg:#9b1c1c;--sev-unknown:#4d5661;--sev-timed_out:#6639ba;--sev-muted:#57606a}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9ba5b0;--bg:#0d1117;--line:#30363d;--chip:#21262d;--link:#6cb6ff;
--sev-ok:#3fb950;--sev-info:#6cb6ff;--sev-warning:#d6a23a;--sev-error:#ff7b72;--sev-critical:#ffffff;--sev-critical-bg:#b62324;--sev-unknown:#a8b1bb;--sev-timed_out:#c297ff;--sev-muted:#8b949e}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:76rem;padding:0 .75rem 3rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;padding:.6rem 0;border-bottom:1px solid var(--line)}
header nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem;flex:1}
a{color:var(--link)} .brand{font-weight:700;text-decoration:none;color:var(--fg)}
nav a[aria-current],.filters a[aria-current]{font-weight:700;color:var(--fg)}
h1{font-size:1.35rem;margin:.9rem 0 .4rem} h2{font-size:1.1rem;margin:1.4rem 0 .4rem} h3{font-size:1rem;margin:.2rem 0}
.scroll{overflow-x:auto} table{border-collapse:collapse;width:100%} th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:.85rem} th a{color:inherit}
.muted{color:var(--muted)} .small{font-size:.85rem} .error{color:var(--sev-error);overflow-wrap:anywhere} .dead{color:var(--sev-error);font-weight:600}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;background:var(--chip);white-space:nowrap;font-weight:600}
.sev-ok{color:var(--sev-ok)} .sev-info{color:var(--sev-info)} .sev-warning{color:var(--sev-warning)} .sev-error{color:var(--sev-error)}
.sev-critical{color:var(--sev-critical)} .badge.sev-critical,.strip .sev-critical{background:var(--sev-critical-bg)}
.sev-unknown{color:var(--sev-unknown)} .sev-timed_out{color:var(--sev-timed_out)} .sev-muted{color:var(--sev-muted);font-style:italic}
.flap{color:var(--sev-warning);font-weight:600}
.strip{display:inline-flex;gap:2px;vertical-align:middle} .strip span{display:inline-block;width:.55rem;height:1rem;border-radius:2px;background:var(--chip);font-size:0;overflow:hidden}
.strip .sev-ok{background:var(--sev-ok)} .strip .sev-info{background:var(--sev-info)} .strip .sev-warning{background:var(--sev-warning)} .strip .sev-error{background:var(--sev-error)}
.strip .sev-unknown{background:var(--sev-unknown)} .strip .sev-timed_out{background:var(--sev-timed_out)} .strip .sev-muted{background:var(--sev-muted)}
.problems{list-style:none;margin:.4rem 0;padding:0;display:grid;gap:.35rem}
.problems li{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline;padding:.45rem .6rem;border:1px solid var(--line);border-left:.3rem solid var(--sev-error);border-radius:.3rem}
.problems li.sev-critical{border-left-color:var(--sev-critical-bg);color:var(--fg)} .problems li.sev-warning{border-left-color:var(--sev-warning)} .problems li.sev-timed_out{border-left-color:var(--sev-timed_out)}
.problems li{color:var(--fg)} .problems a{font-weight:600}
.all-good{padding:.45rem .6rem;border:1px solid var(--line);border-left:.3rem solid var(--sev-ok);border-radius:.3rem}
.queues{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.2rem 0;padding:0;list-style:none}
.spinner{display:inline-block;width:.85em;height:.85em;border:2px solid var(--line);border-top-color:var(--sev-info);border-radius:50%;animation:spin .8s linear infinite;vertical-align:-.1em}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation-duration:3s}}
form.inline{display:inline} button{font:inherit;padding:.15rem .6rem;border:1px solid var(--line);border-radius:.3rem;background:var(--chip);color:var(--fg);cursor:pointer}
button.danger{border-color:var(--sev-error);color:var(--sev-error)}
button.link{border:0;background:none;color:var(--link);padding:0;text-decoration:underline}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end} .filters label,.sign-in label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.filters label.check{flex-direction:row;gap:.3rem;align-items:center}
input,select{font:inherit;padding:.2rem .35rem;border:1px solid var(--line);border-radius:.3rem;background:var(--bg);color:var(--fg)}
.sign-in,.confirm{display:flex;flex-direction:column;gap:.6rem;max-width:32rem}
.silence-form fieldset{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;border:1px solid var(--line);border-radius:.3rem;margin:.4rem 0}
.silence-form label{display:flex;flex-direction:column;font-size:.85rem} .silence-form fieldset.days label,.silence-form label:has(>input[type=radio]){flex-direction:row;gap:.3rem;align-items:center}
.field-error{color:var(--sev-error);font-size:.85rem} input[aria-invalid=true]{border-color:var(--sev-error)}
.flash{padding:.4rem .6rem;border:1px solid var(--line);border-radius:.3rem;background:var(--chip)}
.live-state{font-size:.8rem;padding:.05rem .5rem;border-radius:1rem;background:var(--chip);color:var(--muted)}
.live-state[data-state=live]{color:var(--sev-ok)} .live-state[data-state=down]{color:var(--sev-error);font-weight:600}
pre.json,pre.trace,.md pre{overflow:auto;max-height:28rem;padding:.5rem;background:var(--chip);border-radius:.3rem;font-size:.8rem;white-space:pre}
.md p{margin:.2rem 0} .md ul,.md ol{margin:.2rem 0;padding-left:1.2rem} .md code,code{font-size:.85em}
code.code{color:var(--muted)} .error-text{overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0} dl.facts dt{color:var(--muted)} dl.facts dd{margin:0;overflow-wrap:anywhere;min-width:0;white-space:pre-wrap}
.delivery{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0}
ol.lifecycle,ol.runs,ol.activity{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem}
ul.follow-ups{list-style:none;margin:.15rem 0 0;padding:0;font-size:.85rem}
.js-only{display:none} .js .js-only{display:block}
#activity li[data-news="0"]{display:none} #activity.all li[data-news="0"]{display:list-item}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.75rem} .card{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .7rem}
.card .big{font-size:1.5rem;font-weight:700;margin:.1rem 0} .card .big.duration{font-size:1.1rem} .card p{margin:.15rem 0}
.chart,.meter,.spread{display:block;margin-top:.2rem;overflow:visible} .chart-slot{fill:var(--chip)} .chart-bar{fill:var(--sev-info)} .chart-failed{fill:var(--sev-error)}
.meter-track{fill:var(--chip)} .meter-fill{fill:var(--sev-error)} .spread-range{fill:var(--sev-info);opacity:.45} .spread-median{fill:var(--sev-info)}
@media (max-width:40rem){
  table.stack,table.stack>tbody,table.stack>tbody>tr,table.stack>tbody>tr>td{display:block;width:100%}
  table.stack>thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
  table.stack>tbody>tr{border:1px solid var(--line);border-radius:.4rem;margin:.4rem 0;padding:.25rem .5rem}
  table.stack>tbody>tr>td{border:0;padding:.1rem 0;display:flex;flex-wrap:wrap;gap:0 .5rem;min-width:0}
  table.stack>tbody>tr>td:empty{display:none}
  table.stack>tbody>tr>td[data-label]:not([data-label=""])::before{content:attr(data-label);color:var(--muted);font-size:.8rem;min-width:6.5rem}
  .scroll{overflow-x:visible} header nav{gap:.2rem .6rem}
}
`;
