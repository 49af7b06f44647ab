/* 领导驾驶舱: draws the four charts with Apache ECharts (vendored, static/vendor/echarts) from the
   JSON the page embeds with json_script ("dash-charts"). Each chart's numbers are also in the HTML
   table a click away (the "数据表" button), so nothing here is the only place a number is shown. */
(function () {
  "use strict";
  var source = document.getElementById("dash-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  // The trend comes with its own fragment of the page (it changes with every round of the term).
  var trend = document.getElementById("dash-trend");
  if (trend) { data.trend = JSON.parse(trend.textContent); }
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var COLORS = ["#1d5fbf", "#e8710a", "#b3261e", "#1e7e34", "#c8ccd2"];
  var charts = {};

  // Every value a tooltip formatter writes is HTML to ECharts: names come from users (a category, a
  // unit, a round), so each is escaped. Only ECharts' own `marker` markup is trusted.
  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function empty(text) {
    return {
      textStyle: { fontFamily: FONT },
      title: { text: text || "暂无数据", left: "center", top: "middle",
               textStyle: { color: "#999", fontSize: 14, fontWeight: "normal" } }
    };
  }

  function base(extra) {
    var option = {
      color: COLORS,
      animationDuration: 400,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle: { fontFamily: FONT } },
      grid: { left: 8, right: 28, top: 32, bottom: 8, containLabel: true }
    };
    for (var key in extra) { option[key] = extra[key]; }
    return option;
  }

  function label(position) {
    return { show: true, position: position || "right", fontSize: 11, color: "#333",
             formatter: function (p) { return p.value ? p.value : ""; } };
  }

  var builders = {
    category: function (d) {
      if (!d.labels.length) { return empty("尚无已审定的问题"); }
      return base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
          var i = items[0].dataIndex, lines = [esc(d.labels[i]) + "<br><span style='color:#888'>" + esc(d.areas[i]) + "</span>"];
          items.forEach(function (it) { lines.push(it.marker + esc(it.seriesName) + "：" + esc(it.value)); });
          return lines.join("<br>");
        } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.labels,
                 axisLabel: { width: 150, overflow: "truncate", fontSize: 12 } },
        series: [
          { name: "发现问题", type: "bar", data: d.findings, label: label(), barMaxWidth: 14 },
          { name: "反馈问题", type: "bar", data: d.problems, label: label(), barMaxWidth: 14 }
        ]
      });
    },
    trend: function (d) {
      if (!d.labels.length) { return empty(); }
      return base({
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0,
          formatter: function (value, i) { return i === d.current ? "{cur|" + value + "}" : value; },
          rich: { cur: { fontWeight: "bold", color: "#b3261e" } } } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "发现问题", type: "bar", data: d.findings, label: label("top"), barMaxWidth: 22 },
          { name: "反馈问题", type: "bar", data: d.problems, label: label("top"), barMaxWidth: 22 },
          { name: "立案", type: "bar", data: d.cases, label: label("top"), barMaxWidth: 22 }
        ]
      });
    },
    progress: function (d) {
      if (!d.labels.length) { return empty("尚无已审核通过的整改方案"); }
      var many = d.labels.length > 26;
      var years = d.labels[0].slice(0, 4) !== d.labels[d.labels.length - 1].slice(0, 4);
      return base({
        tooltip: { trigger: "axis", formatter: function (items) {
          var lines = [esc(items[0].axisValue) + " 这一周"];
          items.forEach(function (it) { lines.push(it.marker + esc(it.seriesName) + "：" + esc(it.value)); });
          return lines.join("<br>");
        } },
        grid: { left: 8, right: 28, top: 32, bottom: many ? 40 : 8, containLabel: true },
        dataZoom: many ? [{ type: "slider", height: 18, bottom: 6 }, { type: "inside" }] : [],
        xAxis: { type: "category", data: d.labels, boundaryGap: false,
                 axisLabel: { formatter: function (v) { return years ? v : v.slice(5); } } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "仍未销号", type: "line", data: d.open, color: COLORS[2], areaStyle: { opacity: 0.12 },
            symbolSize: many ? 3 : 5 },
          { name: "累计已销号", type: "line", data: d.closed, color: COLORS[3], symbolSize: many ? 3 : 5 }
        ]
      });
    },
    coverage: function (d) {
      if (!d.labels.length) { return empty("尚无在用单位"); }
      var series = [{ name: "已覆盖", type: "bar", stack: "all", data: d.covered, color: COLORS[3],
                      label: label("inside"), barMaxWidth: 22 }];
      if (d.to_cover.some(function (v) { return v !== null; })) {
        series.push({ name: "尚未覆盖", type: "bar", stack: "all", data: d.to_cover, color: COLORS[4],
                      label: label("inside"), barMaxWidth: 22 });
      }
      return base({
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: d.labels },
        series: series
      });
    }
  };

  Object.keys(builders).forEach(function (name) {
    var el = document.getElementById("chart-" + name);
    if (!el || !data[name]) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(builders[name](data[name]));
    charts[name] = chart;
  });

  // A click on a round of the trend opens that round's dashboard.
  if (charts.trend && data.trend.urls) {
    charts.trend.on("click", function (params) {
      var url = data.trend.urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });
  window.dashCharts = charts;
})();
