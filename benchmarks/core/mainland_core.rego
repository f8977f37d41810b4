# The benchmark core ruleset (mainland_core.rules) in Rego v1. Change the four versions together.
#
# Input: the same facts as the Cedar context (benchmarks/core/mapping.py): the manifest paths the rules read,
# nested as in the manifest, absent (null) values left out, dates as day numbers, plus input.as_of; except
# that dataset.fields stays a list of {"category": ...} objects, since Rego can quantify over it.
# Entry point: mainland_core/result = {"decision": "allow" | "deny", "rules": [determining rule ids, sorted]}.
# The determining rules are the deny rules that hold, else the allow rules that hold; none for a default deny
# or when the ruleset does not apply.
package mainland_core

gba_regions := {"CN-GD", "HK", "MO"}

gd9_cities := {
	"Guangzhou", "Shenzhen", "Zhuhai", "Foshan", "Huizhou", "Dongguan", "Zhongshan", "Jiangmen",
	"Zhaoqing",
}

applies if {
	input.transfer.origin.region in gba_regions
	input.transfer.destination.region in gba_regions
	input.transfer.origin.region != input.transfer.destination.region
}

from_mainland if input.transfer.origin.region == "CN-GD"

sensitive_in_transfer if input.dataset.sensitive_subjects > 0

sensitive_in_transfer if {
	some f in input.dataset.fields
	f.category == "sensitive_personal"
}

pi_in_transfer if sensitive_in_transfer

pi_in_transfer if input.dataset.subjects > 0

pi_in_transfer if {
	some f in input.dataset.fields
	f.category == "personal"
}

over_sa_threshold if input.volume.personal_subjects_ytd >= 1000000

over_sa_threshold if input.volume.sensitive_subjects_ytd >= 10000

sa_valid if {
	sa := input.mechanisms.security_assessment
	sa.status == "approved"
	sa.approved_on <= input.as_of
	input.as_of < sa.approved_on + 1095
}

pipia_before_transfer if input.mechanisms.pipia.completed_on <= input.transfer.date

gba_contract_ok if {
	gba := input.mechanisms.gba_standard_contract
	input.exporter.region == "CN-GD"
	input.exporter.city in gd9_cities
	input.transfer.destination.region in {"HK", "MO"}
	input.recipient.region == input.transfer.destination.region
	gba.effective_on <= input.transfer.date
	gba.filed_with == "guangdong_cac"
	gba.filed_on <= gba.effective_on + 14
	pipia_before_transfer
	input.mechanisms.notice_given
	input.mechanisms.separate_consent
	not input.dataset.important_data
	not input.transfer.onward_transfer_outside_gba
}

scc_ok if {
	scc := input.mechanisms.standard_contract
	scc.effective_on <= input.transfer.date
	scc.filed_on <= scc.effective_on + 14
	pipia_before_transfer
}

consent if {
	input.mechanisms.notice_given
	input.mechanisms.separate_consent
}

# ---- deny ---------------------------------------------------------------------------------------------

deny contains "important_data_without_assessment" if {
	from_mainland
	input.dataset.important_data
	not sa_valid
}

deny contains "ciio_without_assessment" if {
	from_mainland
	input.exporter.ciio
	pi_in_transfer
	not sa_valid
}

deny contains "sensitive_pi_without_consent" if {
	from_mainland
	sensitive_in_transfer
	not consent
}

deny contains "security_assessment_required" if {
	from_mainland
	pi_in_transfer
	over_sa_threshold
	not sa_valid
	not gba_contract_ok
}

# ---- allow --------------------------------------------------------------------------------------------

allow contains "no_personal_or_important_data" if {
	from_mainland
	not pi_in_transfer
	not input.dataset.important_data
}

allow contains "small_volume_exemption" if {
	from_mainland
	not input.exporter.ciio
	not input.dataset.important_data
	pi_in_transfer
	not sensitive_in_transfer
	input.volume.personal_subjects_ytd < 100000
	input.volume.sensitive_subjects_ytd == 0
}

allow contains "gba_standard_contract" if {
	from_mainland
	gba_contract_ok
}

allow contains "standard_contract" if {
	from_mainland
	not over_sa_threshold
	scc_ok
}

allow contains "security_assessment" if {
	from_mainland
	sa_valid
}

allow contains "hong_kong_origin_purpose" if {
	input.transfer.origin.region == "HK"
	input.hong_kong.purpose != "new"
}

allow contains "hong_kong_origin_purpose" if {
	input.transfer.origin.region == "HK"
	input.hong_kong.prescribed_consent
}

allow contains "macao_origin_ground" if {
	input.transfer.origin.region == "MO"
	macao_ground
}

macao_ground if input.macao.adequacy_decision

macao_ground if {
	input.macao.article20_ground != "none"
	input.macao.notified
}

macao_ground if is_number(input.macao.authorisation.granted_on)

# ---- decision -----------------------------------------------------------------------------------------

default result := {"decision": "deny", "rules": []}

result := {"decision": "deny", "rules": sort(deny)} if {
	applies
	count(deny) > 0
}

result := {"decision": "allow", "rules": sort(allow)} if {
	applies
	count(deny) == 0
	count(allow) > 0
}
