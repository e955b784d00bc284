/* Starts Swagger UI on /api/v1/docs (Kesu's own file, adapted from django-ninja's swagger-ui-init.js, MIT).
   Settings come from a JSON block in the page, so no inline script is needed. Requests made from the page
   with the logged-in session carry the CSRF token, as the API requires for POST. */
(function () {
  var body = document.querySelector("body");
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  var token = body.dataset.csrfToken;
  if (token) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = token;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
