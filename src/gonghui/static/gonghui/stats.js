// The coverage dashboard (orgs/node_stats.html): members by status as a pie, the children's founding and
// membership rates as bars; clicking a child's bar opens that child's dashboard (drill-down); then the figures
// of the chosen year.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("stats-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  const statusElement = document.getElementById("chart-status");
  if (statusElement) {
    const chart = echarts.init(statusElement);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ name: data.labels.status, type: "pie", radius: ["35%", "65%"], data: data.status,
                 label: { formatter: "{b}\n{c}" } }],
    });
    charts.push(chart);
  }

  const childrenElement = document.getElementById("chart-children");
  if (childrenElement) {
    const chart = echarts.init(childrenElement);
    const children = data.children;
    const many = children.names.length > 15;
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (value) => (value == null ? "—" : value + "%") },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: many ? 96 : 64 },
      xAxis: { type: "category", data: children.names, axisLabel: { rotate: many ? 40 : 0, interval: 0,
               width: 110, overflow: "truncate" }, triggerEvent: true },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      dataZoom: many ? [{ type: "slider", bottom: 8, startValue: 0, endValue: 14 }, { type: "inside" }] : [],
      series: [
        { name: data.labels.founding_min_staff, type: "bar", data: children.founding_min_staff },
        { name: data.labels.founding, type: "bar", data: children.founding },
        { name: data.labels.membership, type: "bar", data: children.membership },
      ],
    });
    const open = (index) => { if (children.urls[index]) window.location.href = children.urls[index]; };
    chart.on("click", (params) => {
      if (params.componentType === "series") open(params.dataIndex);
      else if (params.componentType === "xAxis") open(children.names.indexOf(params.value));
    });
    charts.push(chart);
  }
  // The year figures: 人次 by activity kind, assistance amounts by kind, visits by reason (pies and bars),
  // hardship files by category (on file at year end, new, relieved).
  const year = data.year;
  const pie = (id, rows, name) => {
    const element = document.getElementById(id);
    if (!element || !rows.length) return;
    const chart = echarts.init(element);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ name, type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"], data: rows,
                 label: { formatter: "{b}\n{c}" } }],
    });
    charts.push(chart);
  };
  const bars = (id, rows, name) => {
    const element = document.getElementById(id);
    if (!element || !rows.length) return;
    const chart = echarts.init(element);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 64, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: rows.map((row) => row.name),
               axisLabel: { rotate: rows.length > 4 ? 30 : 0, interval: 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value" },
      series: [{ name, type: "bar", data: rows.map((row) => row.value) }],
    });
    charts.push(chart);
  };
  if (year) {
    pie("chart-year-activities", year.activities, year.labels.person_times);
    bars("chart-year-assistance", year.assistance, year.labels.amount);
    pie("chart-year-visits", year.visits, year.labels.visits);
    const hardshipElement = document.getElementById("chart-year-hardship");
    if (hardshipElement && year.hardship.names.length) {
      const chart = echarts.init(hardshipElement);
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 36, bottom: 32 },
        xAxis: { type: "category", data: year.hardship.names },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: year.labels.open, type: "bar", data: year.hardship.open },
          { name: year.labels.new, type: "bar", data: year.hardship.new },
          { name: year.labels.relieved, type: "bar", data: year.hardship.relieved },
        ],
      });
      charts.push(chart);
    }
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
});
