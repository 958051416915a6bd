"""Who may do what with masterplans.

A region's officers draft, edit and report on their own region's masterplans; the
secretariat, which mentors regions, may draft one for any region, reads them all and
comments, but does not edit a region's text. Objects are a Masterplan, a PlanVersion or a
ProgressReport (each knows its region), or a Region when a plan is being created.
"""

from __future__ import annotations

import rules

from kotacerdas.core.rules import is_officer_of_region, is_secretariat

rules.add_perm("strategy.create_masterplan", is_secretariat | is_officer_of_region)
rules.add_perm("strategy.view_masterplan", is_secretariat | is_officer_of_region)
rules.add_perm("strategy.edit_masterplan", is_officer_of_region)
rules.add_perm("strategy.comment_masterplan", is_secretariat)
rules.add_perm("strategy.report_progress", is_officer_of_region)

for model in ("planversion", "plancomment", "progressreport"):
    rules.add_perm(f"strategy.view_{model}", is_secretariat)
