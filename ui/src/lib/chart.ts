// Chart.js with only the parts the spend charts use, registered once. The usage screen loads
// this module when it first draws a chart, so Chart.js is not read at every launch.

import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  DoughnutController,
  ArcElement,
  Legend,
);

export { Chart };
