/* Gate form: open the skip section when the decision "skip" is chosen (the section works without script too). */
document.addEventListener("change", function (event) {
  var target = event.target;
  if (!target || target.name !== "outcome") return;
  var section = document.getElementById("skip-section");
  if (section && target.value === "skip") section.open = true;
});
