// "Agree to all" on the sign-up form: one click checks every consent, each stays its own checkbox
// and can be unchecked again (the optional one included). Without JavaScript the box stays hidden.
document.querySelectorAll("[data-consent-all]").forEach((box) => {
  const all = box.querySelector("input[type=checkbox]");
  const items = [...box.closest("fieldset").querySelectorAll("input[type=checkbox][name^=consent_]")];
  const sync = () => {
    all.checked = items.every((item) => item.checked);
  };
  all.addEventListener("change", () => {
    items.forEach((item) => {
      item.checked = all.checked;
    });
  });
  items.forEach((item) => item.addEventListener("change", sync));
  sync();
  box.hidden = false;
});
