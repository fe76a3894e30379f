// Draws the dashboard's charts from the figures the page carries as JSON.
(function () {
  "use strict";
  var source = document.getElementById("figures");
  if (!source || typeof Chart === "undefined") return;
  var f = JSON.parse(source.textContent);
  var SERVICE = { mediation: "人民调解", legal_aid: "法律援助", admin_review: "行政复议", other: "其他", "未知": "其他" };
  var COLOURS = { mediation: "#2f6f4f", legal_aid: "#b5562b", admin_review: "#2b5797", other: "#8a8a8a" };
  var days = f.daily.map(function (d) { return d.date.slice(5); });
  var services = ["mediation", "legal_aid", "admin_review", "other"];

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-volume", {
    type: "bar",
    data: {
      labels: days,
      datasets: services.map(function (s) {
        return {
          label: SERVICE[s],
          backgroundColor: COLOURS[s],
          data: f.daily.map(function (d) { return d.services[s] || 0; })
        };
      })
    },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
  });

  draw("chart-handoff", {
    type: "line",
    data: {
      labels: days,
      datasets: [{
        label: "转人工率（%）",
        borderColor: "#b5562b",
        data: f.daily.map(function (d) {
          return d.conversations ? Math.round(1000 * d.handoffs / d.conversations) / 10 : null;
        })
      }]
    },
    options: { animation: false, scales: { y: { beginAtZero: true, suggestedMax: 100 } } }
  });

  var waits = f.handoff.wait_buckets;
  draw("chart-wait", {
    type: "bar",
    data: { labels: Object.keys(waits), datasets: [{ label: "请求数", backgroundColor: "#2b5797", data: Object.values(waits) }] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });

  var stars = f.satisfaction.distribution;
  draw("chart-satisfaction", {
    type: "bar",
    data: {
      labels: Object.keys(stars).map(function (k) { return k + " 分"; }),
      datasets: [{ label: "评分人数", backgroundColor: "#2f6f4f", data: Object.values(stars) }]
    },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  document.body.setAttribute("data-charts", "drawn");
})();
