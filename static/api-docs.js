/* The API documentation page: Swagger UI on the app's own OpenAPI document. No validator badge:
   it would send the document to a public service the intranet cannot reach. */
(function () {
  'use strict';

  window.addEventListener('DOMContentLoaded', function () {
    window.ui = window.SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      validatorUrl: null,
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout',
      onComplete: function () { document.body.dataset.ready = 'true'; }
    });
  });
})();
