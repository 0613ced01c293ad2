#include "vault/form.hpp"

#include <fmt/format.h>

namespace diskret::vault {
namespace {

// The page carries its parameters in data attributes: the script reads them, so no
// value ever has to be written into JavaScript source.
constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Card details</title>
<link rel="stylesheet" href="/form.css">
<script src="/form.js" defer></script>
</head>
<body>
<form id="card-form" novalidate autocomplete="on" data-endpoint="{endpoint}" data-portal-origin="{origin}" data-message-type="{type}">
  <label for="holder">Name on card</label>
  <input id="holder" name="holder" autocomplete="cc-name" maxlength="100" required>
  <p class="error" data-for="holder"></p>
  <label for="number">Card number</label>
  <input id="number" name="number" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>
  <p class="error" data-for="number"></p>
  <div class="row">
    <div>
      <label for="exp_month">Month</label>
      <input id="exp_month" name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" maxlength="2" placeholder="MM" required>
      <p class="error" data-for="exp_month"></p>
    </div>
    <div>
      <label for="exp_year">Year</label>
      <input id="exp_year" name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" maxlength="4" placeholder="YYYY" required>
      <p class="error" data-for="exp_year"></p>
    </div>
    <div>
      <label for="cvc">CVC</label>
      <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required>
      <p class="error" data-for="cvc"></p>
    </div>
  </div>
  <p class="error" id="form-error" role="alert"></p>
  <button type="submit">Save card</button>
</form>
</body>
</html>
)html";

constexpr std::string_view kErrorPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Card form unavailable</title>
<link rel="stylesheet" href="/form.css">
</head>
<body>
<p class="error" role="alert">{message}</p>
</body>
</html>
)html";

constexpr std::string_view kScript = R"js("use strict";
(function () {
  var form = document.getElementById("card-form");
  if (!form) return;
  var endpoint = form.dataset.endpoint;
  var portalOrigin = form.dataset.portalOrigin;
  var messageType = form.dataset.messageType;

  function showErrors(errors, fallback) {
    form.querySelectorAll(".error").forEach(function (p) { p.textContent = ""; });
    var general = document.getElementById("form-error");
    (errors || []).forEach(function (e) {
      var slot = form.querySelector('.error[data-for="' + e.field + '"]');
      if (slot) slot.textContent = e.reason; else general.textContent = e.field + " " + e.reason;
    });
    if ((!errors || errors.length === 0) && fallback) general.textContent = fallback;
  }

  function numberOrText(value) {
    return /^[0-9]{1,4}$/.test(value) ? parseInt(value, 10) : value;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    var body = {
      number: form.number.value,
      exp_month: numberOrText(form.exp_month.value.trim()),
      exp_year: numberOrText(form.exp_year.value.trim()),
      cvc: form.cvc.value.trim(),
      holder: form.holder.value
    };
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (r) {
      button.disabled = false;
      if (r.status === 201) {
        form.number.value = "";
        form.cvc.value = "";
        showErrors([], "");
        window.parent.postMessage({ type: messageType, card: r.json }, portalOrigin);
      } else {
        showErrors(r.json.errors, r.json.detail || "The card could not be saved.");
      }
    }).catch(function () {
      button.disabled = false;
      showErrors([], "The card vault cannot be reached. Please try again.");
    });
  });
})();
)js";

constexpr std::string_view kStyle = R"css(body { font: 15px/1.4 system-ui, sans-serif; margin: 0; padding: 8px; color: #1b1b1b; }
label { display: block; margin-top: 8px; font-weight: 600; }
input { box-sizing: border-box; width: 100%; padding: 6px 8px; font: inherit; }
.row { display: flex; gap: 8px; }
.row > div { flex: 1; }
.error { color: #b00020; min-height: 1em; margin: 2px 0; font-size: 13px; }
button { margin-top: 12px; padding: 8px 16px; font: inherit; }
)css";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string form_csp(std::string_view portal_origin) {
  return fmt::format(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      "img-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
      "frame-ancestors {}",
      portal_origin);
}

std::string form_html(std::string_view endpoint, std::string_view portal_origin) {
  return fmt::format(fmt::runtime(kPage), fmt::arg("endpoint", html_escape(endpoint)),
                     fmt::arg("origin", html_escape(portal_origin)),
                     fmt::arg("type", kFormMessageType));
}

std::string form_error_html(std::string_view message) {
  return fmt::format(fmt::runtime(kErrorPage), fmt::arg("message", html_escape(message)));
}

std::string_view form_js() { return kScript; }
std::string_view form_css() { return kStyle; }

}  // namespace diskret::vault
