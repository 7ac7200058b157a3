"""The dashboard's one stylesheet, inlined in every page.

Phone first (one column), two columns from 900 px (a chart and its numbers side by side),
large type on a projector, and a print layout: the overview, the map and the tables on
paper, without the filters, links and scroll boxes. Text colours keep at least 4.5:1
against their background (WCAG AA).
"""

from __future__ import annotations

from typing import Final

__all__ = ["STYLE"]

STYLE: Final = """
*{box-sizing:border-box}
body{font-family:"Noto Sans","Noto Sans Devanagari","Lohit Devanagari",system-ui,sans-serif;
  margin:0;color:#1d2a24;background:#fff;line-height:1.4}
a{color:#1f5a3d}
a:focus,button:focus,input:focus,select:focus,.numbers:focus,.district:focus{
  outline:3px solid #d9822b;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px}
.skip:focus{left:8px;z-index:2}
header{background:#1f5a3d;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 20px;
  align-items:center}
header h1{font-size:19px;margin:0;flex:1 1 260px}
header a,header button{color:#fff;background:none;border:1px solid #fff;padding:4px 10px;
  text-decoration:none;border-radius:4px;cursor:pointer;font:inherit}
nav.top{display:flex;gap:8px}
form.signout{margin:0}
form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end;padding:10px 16px;
  background:#eef3f0;border-bottom:1px solid #c9d3cd}
form.filters label{display:flex;flex-direction:column;font-size:13px;gap:2px}
form.filters label.check{flex-direction:row;align-items:center;gap:6px}
form.filters select,form.filters input,form.filters button{font:inherit;padding:4px 6px;
  min-height:34px}
form.filters button{background:#1f5a3d;color:#fff;border:0;border-radius:4px;padding:4px 16px}
main{padding:4px 16px 40px;max-width:1400px}
.subtitle{color:#3c4a43}
h2{border-bottom:2px solid #1f5a3d;padding-bottom:4px;margin-top:28px}
.note{color:#3c4a43;font-size:14px}
ul.tiles{list-style:none;padding:0;margin:0;display:grid;gap:12px;
  grid-template-columns:repeat(auto-fill,minmax(210px,1fr))}
.tile{border:1px solid #c9d3cd;border-left:6px solid #1f5a3d;border-radius:6px;padding:10px 12px}
.tile h3{margin:0 0 4px;font-size:15px}
.tile p{margin:2px 0;font-size:14px}
.tile p.big{font-size:26px;font-weight:700;margin:4px 0}
.pair{display:grid;grid-template-columns:1fr;gap:12px;align-items:start}
.chart,.map{width:100%;height:auto;max-width:640px}
.chart text{font-size:12px;fill:#1d2a24}
.map .district path{stroke:#fff;stroke-width:1.2}
.map .district:hover path,.map .district:focus path{stroke:#d9822b;stroke-width:3}
.map text{font-size:11px;fill:#1d2a24;pointer-events:none}
.map text.on-dark{fill:#fff}
.map text .name{font-weight:700}
nav.measures a{margin-right:10px}
nav.measures a[aria-current]{font-weight:700;color:#1d2a24;text-decoration:none}
.numbers{overflow:auto;max-height:420px}
figure{margin:0}
section.table{margin:16px 0 24px}
h3{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;font-size:14px}
caption{text-align:left;font-weight:700;padding:4px 0}
th,td{border:1px solid #c9d3cd;padding:4px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead th{background:#eef3f0;position:sticky;top:0}
.exports a{font-size:13px;margin-right:8px}
.alert{background:#fdecea;border:1px solid #b3261e;color:#8c1d18;padding:8px 12px;border-radius:4px}
main.login{max-width:640px}
main.login input{display:block;width:100%;font:inherit;padding:8px;margin:6px 0}
main.login button{font:inherit;padding:8px 20px;background:#1f5a3d;color:#fff;border:0;
  border-radius:4px}
footer{padding:8px 16px;color:#3c4a43;font-size:13px;border-top:1px solid #c9d3cd}
@media (min-width:900px){
  .pair{grid-template-columns:minmax(0,1.25fr) minmax(0,1fr)}
  header h1{font-size:21px}
}
@media (min-width:1600px){
  body{font-size:18px}
  table{font-size:16px}
  .tile p.big{font-size:32px}
}
@media print{
  header nav,form.filters,form.signout,.exports,.skip,nav.measures{display:none}
  header{background:none;color:#000;border-bottom:2px solid #000}
  .numbers{max-height:none;overflow:visible}
  .pair{grid-template-columns:1fr 1fr}
  section.table,.tile,figure{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  body{font-size:11pt}
}
"""
