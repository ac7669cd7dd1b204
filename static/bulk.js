/*
 * bulk.js -- a nicety on the registrations list: a "select all on this
 * page" checkbox in the selection column's header.  Without it the list's
 * form works the same: "all on this page" is one of its choices.
 */
(function () {
	"use strict";
	var rows = document.querySelectorAll("input.bulk-row");
	var th = document.querySelector("th.bulk-col");
	if (rows.length === 0 || th === null)
		return;
	var all = document.createElement("input");
	all.type = "checkbox";
	all.id = "bulk-all";
	all.setAttribute("aria-label", th.getAttribute("data-all-label"));
	th.appendChild(document.createTextNode(" "));
	th.appendChild(all);
	all.addEventListener("change", function () {
		for (var i = 0; i < rows.length; i++)
			rows[i].checked = all.checked;
	});
	for (var i = 0; i < rows.length; i++)
		rows[i].addEventListener("change", function () {
			var n = 0;
			for (var k = 0; k < rows.length; k++)
				if (rows[k].checked)
					n++;
			all.checked = n === rows.length;
			all.indeterminate = n > 0 && n < rows.length;
		});
})();
