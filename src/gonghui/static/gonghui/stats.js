// The coverage dashboard (orgs/node_stats.html): members by status as a pie, the children's founding and
// membership rates as bars; clicking a child's bar opens that child's dashboard (drill-down).
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
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
});
