// ESLint for the browser scripts (no build step): `npm ci && npx eslint src/walletdesk`,
// run by scripts/test.sh. Every script is a plain file loaded with <script defer>; the console
// scripts share the core in web/static/web/wd.js through the WD global (casework adds CW).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/node_modules/**", "**/*.min.js", "src/walletdesk/web/templates/**"] },
  js.configs.recommended,
  {
    files: ["src/walletdesk/**/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, WD: "writable", CW: "writable" },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-implicit-globals": "error",
      "no-var": "off",
      eqeqeq: ["error", "always"],
      "no-restricted-syntax": ["error",
        // the console's add-ons follow the selection through WD.onConversation, not the page
        { selector: "CallExpression[callee.property.name='querySelector'][arguments.0.value=/li\\.current/]",
          message: "Use WD.onConversation / WD.conversation() for the selected conversation." },
        { selector: "Literal[value=/csrftoken|csrfmiddlewaretoken/]",
          message: "Use WD.csrf() / WD.request() (web/static/web/wd.js)." },
      ],
    },
  },
  {
    // the core itself reads the token
    files: ["src/walletdesk/web/static/web/wd.js"],
    rules: { "no-restricted-syntax": "off" },
  },
];
