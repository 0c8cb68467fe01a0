import { render } from "preact";
import { api, ok } from "./api/client";
import { App } from "./app";
import { Auth } from "./auth";
import { applyLang } from "./i18n";
import "./style.css";

applyLang();
const root = document.getElementById("app") as HTMLElement;
ok(api.GET("/config")).then(
  (config) => {
    const auth = new Auth(config);
    // Only the local stack names its own Cognito endpoint: it also has an outbox to read mail from.
    render(<App auth={auth} local={Boolean(config.cognito_endpoint)} />, root);
    document.body.dataset.ready = "true";
    performance.mark("kontor:interactive"); // the browser tests report the first screen's time to this
  },
  (error) => {
    root.textContent = `Kontor cannot reach its API: ${error.message}`;
  },
);
