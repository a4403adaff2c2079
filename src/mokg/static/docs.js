// Starts Swagger UI on the API description named by the page (no inline script: the page's CSP
// allows scripts from this origin only). No validator badge: it would call swagger.io.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
  });
});
