# ruff: noqa: E501
"""The manifest template in Chinese (`new manifest --lang zh-Hans|zh-Hant`): the schema's field descriptions
by JSON pointer, the defaults that are words, and the template's own words. zh-Hant was made from zh-Hans with
OpenCC (s2tw, characters only) and read through; field names, codes and values in backticks stay as written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXTS: Mapping[str, Mapping[str, Any]] = {
    "zh-Hans": {
        "descriptions": {
            "": "粤港澳大湾区内一次计划中的跨境数据传输：路线、各方、数据集、数量、已落实的机制及各地法律事实。标有默认值的字段可以省略，由加载器补全。日期写作 "
            "YYYY-MM-DD。",
            "/apiVersion": "清单格式版本：`gba-dataflow/v1`。",
            "/transfer/method": "数据如何出境：`transmission`（发送给接收方）或 `remote_access`（数据留存原处，由境外读取或查询；"
            "国家网信办 2025 年 4 月的答问也将其视为数据出境）。仅由身处境内的人员访问不属于数据出境，无需清单。",
            "/exporter/registration_number": "出境方的登记号码，台账以其记录：内地出境方为 18 位统一社会信用代码（含校验码），"
            "香港为 8 位商业登记号码，澳门为商业登记编号（数字，可加 `(SO)`）；按 `exporter.region` 的格式核对。"
            "",
            "/dataset/human_genetic_resources": "数据集是否包含人类遗传资源信息？其出境除《个人信息保护法》的途径外，"
            "还须依《人类遗传资源管理条例》另行审批或备案（给出警告）。",
            "/mechanisms/international_agreement": "据以提供个人信息的、中华人民共和国缔结或参加的国际条约或协定名称"
            "（《网络数据安全管理条例》自 2025-01-01 起规定的途径；不适用于关键信息基础设施运营者）。",
            "/macao/adequacy_reference": "所依据的澳门个人资料保护局充分性决定的编号或公布（第十九条）。",
            "/kind": "文档类型：`TransferManifest`。",
            "/id": "本次传输的标识：小写字母、数字、`.`、`_` 和 `-`，以字母或数字开头（例如 "
            "`crm-to-hk-service-centre`）。",
            "/title": "本次传输的可读标题。",
            "/transfer": "数据集的流动：路线、日期、目的及所主张的豁免。",
            "/transfer/origin": "数据从何处出境：ISO 3166 地区代码，可附城市。",
            "/transfer/origin/region": "数据出境地区的 ISO 3166 代码：广东为 `CN-GD`，香港为 "
            "`HK`，澳门为 `MO`；其他 ISO 3166-1 alpha-2 或 "
            "3166-2 代码（`CN-BJ`、`SG`）亦可接受，交由规则判断。",
            "/transfer/origin/city": "数据出境的城市（例如 `Shenzhen`、`Hong "
            "Kong`）；决定是否属于大湾区内地九市。",
            "/transfer/destination": "数据传往何处：ISO 3166 地区代码，可附城市。",
            "/transfer/destination/region": "数据传往地区的 ISO 3166 代码：广东为 `CN-GD`，香港为 "
            "`HK`，澳门为 `MO`；其他 ISO 3166-1 alpha-2 "
            "或 3166-2 "
            "代码（`CN-BJ`、`SG`）亦可接受，交由规则判断。",
            "/transfer/destination/city": "数据传往的城市（例如 `Shenzhen`、`Hong "
            "Kong`）；决定是否属于大湾区内地九市。",
            "/transfer/date": "计划传输日期（YYYY-MM-DD）。",
            "/transfer/purpose": "传输数据的原因，用平实的话写（自由文本）。",
            "/transfer/exemption": "依据《促进和规范数据跨境流动规定》主张的豁免：`contract`（第五条第一项，与个人订立的合同）、`hr`（第五条第二项，跨境人力资源管理）、`emergency`（第五条第三项，生命、健康或财产安全）、`statutory_duty`（履行法定职责或义务），或 "
            "`none`。",
            "/transfer/exemption_justification": "所主张豁免的必要性说明；`exemption` 不为 `none` 时应填写。",
            "/transfer/onward_transfer_outside_gba": "接收方是否会将数据再提供给大湾区以外的任何人？",
            "/exporter": "发送数据的组织（个人信息处理者或数据处理者）。",
            "/exporter/name": "出境方的法定名称。",
            "/exporter/region": "出境方注册地区的 ISO 3166 代码。",
            "/exporter/city": "出境方注册的城市。",
            "/exporter/ciio": "出境方是否为关键信息基础设施运营者？",
            "/exporter/state_organ": "出境方是否为国家机关（《个人信息保护法》第三十六条）？",
            "/exporter/sector": "所属行业（自由文本）；`banking`、`credit_referencing` 和 "
            "`healthcare` 关系到大湾区标准合同的试点。",
            "/exporter/ftz": "出境方注册所在的自由贸易试验区：`nansha`、`qianhai`、`hengqin` "
            "或其他自贸区名称；不在自贸区则为 null。",
            "/recipient": "接收数据的组织。",
            "/recipient/name": "接收方的法定名称。",
            "/recipient/region": "接收方注册或所在地区的 ISO 3166 代码。",
            "/recipient/city": "接收方注册或所在的城市。",
            "/dataset": "被传输的数据。",
            "/dataset/name": "数据集名称。",
            "/dataset/important_data": "该数据是否已被有关部门告知或公开发布为重要数据（《数据安全法》第二十一条）？",
            "/dataset/core_data": "该数据是否为核心数据（《数据安全法》第二十一条第二款）？",
            "/dataset/foreign_origin_only": "是否所有个人信息均在境外收集，且未加入境内个人信息（《促进和规范数据跨境流动规定》第四条）？",
            "/dataset/ftz_negative_list": "自贸区数据出境负面清单（《促进和规范数据跨境流动规定》第六条）。",
            "/dataset/ftz_negative_list/applies": "是否有自贸区负面清单约束该出境方？",
            "/dataset/ftz_negative_list/listed": "该数据是否列入该负面清单？",
            "/dataset/subjects": "本次传输所含个人信息涉及的人数（整数 >= 0）。",
            "/dataset/sensitive_subjects": "其中本次传输所含敏感个人信息涉及的人数（整数 >= 0）。",
            "/dataset/fields": "数据集的字段，至少一个，各有其类别。",
            "/dataset/fields/0": "数据集的一个字段（列、属性）及其类别。",
            "/dataset/fields/0/name": "字段在数据集中的名称。",
            "/dataset/fields/0/category": "`non_personal`、`personal`（个人信息，《个人信息保护法》第四条）或 "
            "`sensitive_personal`（敏感个人信息，《个人信息保护法》第二十八条）。",
            "/dataset/fields/0/sensitive_type": "敏感个人信息的种类，依《个人信息保护法》第二十八条；用于 "
            "`sensitive_personal` 字段。",
            "/volume": "计数期间（自当年1月1日起）的累计数量，含本次传输。",
            "/volume/personal_subjects_ytd": "本年度该出境方已向境外提供个人信息的人数，含本次传输。",
            "/volume/sensitive_subjects_ytd": "本年度该出境方已向境外提供敏感个人信息的人数，含本次传输。",
            "/volume/personal_subjects_since_previous_year": "自上一年1月1日起该出境方已向境外提供个人信息的人数，含本次传输：2024年3月22日前的计数期间。",
            "/volume/sensitive_subjects_since_previous_year": "自上一年1月1日起该出境方已向境外提供敏感个人信息的人数，含本次传输（2024年3月22日前的计数期间）。",
            "/volume/processed_subjects_total": "出境方处理个人信息的总人数（2024年前的100万人门槛）。",
            "/mechanisms": "已落实的传输机制。每一项均为可选；缺少某项即表示“未落实”。",
            "/mechanisms/security_assessment": "国家网信部门数据出境安全评估（《个人信息保护法》第四十条，《促进和规范数据跨境流动规定》第七条、第九条）。",
            "/mechanisms/security_assessment/status": "`none`（未申报）、`pending`、`approved` "
            "或 `rejected`。",
            "/mechanisms/security_assessment/approved_on": "安全评估通过的日期。",
            "/mechanisms/security_assessment/valid_until": "评估结果有效期的最后一天。",
            "/mechanisms/security_assessment/reference": "安全评估的编号。",
            "/mechanisms/security_assessment/extension_applied_on": "申请延长评估结果有效期的日期（《促进和规范数据跨境流动规定》第九条）。",
            "/mechanisms/standard_contract": "个人信息出境标准合同（《个人信息出境标准合同办法》）。",
            "/mechanisms/standard_contract/effective_on": "合同生效日期。",
            "/mechanisms/standard_contract/filed_on": "合同向省级网信部门备案的日期。",
            "/mechanisms/standard_contract/reference": "备案编号。",
            "/mechanisms/certification": "个人信息保护认证。",
            "/mechanisms/certification/certified_on": "证书颁发日期。",
            "/mechanisms/certification/valid_until": "证书有效期的最后一天。",
            "/mechanisms/certification/body": "颁发证书的认证机构。",
            "/mechanisms/gba_standard_contract": "大湾区（内地、香港或内地、澳门）个人信息跨境流动标准合同。",
            "/mechanisms/gba_standard_contract/effective_on": "合同生效日期。",
            "/mechanisms/gba_standard_contract/filed_on": "合同备案日期。",
            "/mechanisms/gba_standard_contract/filed_with": "备案机关：`guangdong_cac`（广东省网信办）、`hk_dpo`（香港数字政策办公室）、`dspdp`（澳门个人资料保护局），或 "
            "null。",
            "/mechanisms/gba_standard_contract/reference": "备案编号。",
            "/mechanisms/notice_given": "是否已向个人告知接收方、目的、方式、种类及其权利（《个人信息保护法》第三十九条）？",
            "/mechanisms/separate_consent": "是否已取得单独同意（《个人信息保护法》第三十九条；敏感个人信息另见第二十九条）？",
            "/mechanisms/pipia": "个人信息保护影响评估（《个人信息保护法》第五十五条）。",
            "/mechanisms/pipia/completed_on": "影响评估完成的日期。",
            "/hong_kong": "香港《个人资料（私隐）条例》下的事实；出境地为 `HK` 时读取。",
            "/hong_kong/dpp1_notice": "是否已在收集时或之前告知资料当事人此类承让人（保障资料第1原则第3款）？",
            "/hong_kong/purpose": "传输目的与收集目的相比：`same`、`directly_related` 或 "
            "`new`（新目的须取得订明同意，保障资料第3原则）。",
            "/hong_kong/prescribed_consent": "是否已取得订明同意：明示、自愿且未撤回（第2(3)条）？",
            "/hong_kong/processor_contract": "是否已与资料处理者订立合约（保障资料第2(3)原则、第4(2)原则）？",
            "/macao": "澳门《个人资料保护法》（第8/2005号法律）下的事实；出境地为 `MO` 时读取。",
            "/macao/adequacy_decision": "主管当局是否认定目的地具备适当保护水平（第十九条）？",
            "/macao/article20_ground": "依第二十条第一款援引的例外：`explicit_consent`、`contract_with_subject`、`contract_in_subject_interest`、`public_interest_or_legal_claims`、`vital_interests`、`public_register` "
            "或 `none`。",
            "/macao/notified": "是否已将传输通知个人资料保护局（第二十条第一款）？",
            "/macao/authorisation": "个人资料保护局对传输的许可（第二十条第二款）。",
            "/macao/authorisation/granted_on": "许可发出的日期。",
            "/macao/authorisation/reference": "许可的编号。",
            "/macao/sensitive_basis": "处理敏感资料的依据（第七条）：`explicit_consent`、`legal_authorisation`、`dspdp_authorisation` "
            "或 `none`。",
        },
        "defaults": {
            "null (the ledger then keys by the legal name, with a warning)": "null（台账改以法定名称记录，并给出警告）",
            "null (none)": "null（无）",
            "null (none named)": "null（未指明）",
            "null (unknown)": "null（未知）",
            "null, meaning the as-of date of the evaluation (`--as-of`, else today)": "null，即评估的截至日期（`--as-of`，否则为今天）",
            "null (not stated)": "null（未说明）",
            "not in place": "未落实",
            "status `none`": "状态 `none`",
            "not granted": "未获许可",
            "not done": "未进行",
            "neither applies nor listed": "既不适用也未列入",
            "empty": "空",
            "`dataset.subjects`, with a warning that the cumulative volume is unknown": "`dataset.subjects`，并警告累计数量未知",
            "`dataset.sensitive_subjects`, with the same warning": "`dataset.sensitive_subjects`，并给出同样的警告",
        },
        "words": {
            "title": "gba-dataflow 传输清单：{route}",
            "intro": [
                "替换每一个 TODO，更正每一个与本次传输不符的值，然后检查：",
                "    gba-dataflow check THIS-FILE.yaml",
                "每个字段上方：含义，然后是（必填或可选 · 类型 · 可选值 · 默认值）。",
                "可选字段可以删除：届时适用默认值。`# key: value` 一行表示默认取另一字段值的字段；删去 `#` 即可设定。日期写作 "
                "YYYY-MM-DD。",
                "完整的 schema：`gba-dataflow schema manifest`。",
            ],
            "for_route": "本路线（{route}）：",
            "required": "必填",
            "optional": "可选",
            "one_of": "可选值：",
            "exactly": "固定为 ",
            "eg": "例如 ",
            "matching": "须匹配 ",
            "default": "默认：",
            "date": "日期 YYYY-MM-DD",
            "text": "文本",
            "integer": "整数",
            "number": "数字",
            "boolean": "true 或 false",
            "object": "映射",
            "array": "列表",
            "null": "null",
            "or": " 或 ",
            "at_least": "，至少 {count} 项",
            "left_out": "{key}：已省略：{why}",
            "for_field": "本路线（{route}）：{hint}",
            "more_entries": "更多条目形如：`- {name: full_name, category: personal}` 或 `- "
            "{name: account_balance, category: sensitive_personal, "
            "sensitive_type: financial_account}`；其人数计入 dataset.subjects "
            "和 dataset.sensitive_subjects。",
            "skip_hk": "香港《个人资料（私隐）条例》的事实，仅在出境地为 HK 时读取",
            "skip_mo": "澳门《个人资料保护法》的事实，仅在出境地为 MO 时读取",
            "skip_volume": "累计数量仅对内地出境计数",
            "skip_mechanisms": "本路线不读取任何传输机制",
            "skip_mainland_fact": "内地出境事实，本路线不读取",
            "skip_mainland_mechanism": "内地出境机制，本路线不读取",
            "hint_gd9": "大湾区标准合同要求为大湾区内地九市之一：{cities}。",
            "hint_filed_with": "{origin} 一方向 `{filed_with}` 备案。",
            "hint_pilot": "2024年10月31日前，大湾区标准合同仅向试点行业开放。",
            "todo_title": "TODO：传输什么、传给谁",
            "todo_purpose": "TODO：为何传输数据，用平实的话写",
            "todo_exporter": "TODO：出境方的法定名称",
            "todo_recipient": "TODO：接收方的法定名称",
            "todo_dataset": "TODO：数据集名称",
            "route_mainland": "适用内地出境规则（《个人信息保护法》和《促进和规范数据跨境流动规定》）：传输需要豁免、大湾区标准合同、已备案的国家标准合同、认证或安全评估。请填写 "
            "`volume` 和 `mechanisms`。",
            "route_gba": "大湾区标准合同（内地—{other}，自{since}起）：出境方和接收方须位于大湾区内地九市（exporter.city）或{other}；须在合同生效后10个工作日内向广东省网信办备案（filed_with: "
            "guangdong_cac）。",
            "route_hk": "适用香港《个人资料（私隐）条例》：请填写 `hong_kong` "
            "一节（承让人类别的告知、目的、新目的的订明同意、资料处理者合约）。",
            "route_mo": "适用澳门《个人资料保护法》：请填写 `macao` "
            "一节（已通知个人资料保护局的第二十条第一款依据，或个人资料保护局的许可；敏感资料的处理依据）。",
            "route_to_gd": "大湾区标准合同（mechanisms.gba_standard_contract，filed_with: "
            "{filed_with}）向大湾区内地九市的接收方开放（recipient.city）。",
            "route_hk_mo": "香港与澳门之间没有大湾区标准合同，因此省略 `mechanisms`。",
            "route_other": "所附规则集可能不涵盖本路线：没有规则集涵盖的传输一律拒绝（失败即拒绝）。",
            "hk": "香港",
            "mo": "澳门",
            "since_hk": "2023年12月13日",
            "since_mo": "2024年9月10日",
        },
    },
    "zh-Hant": {
        "descriptions": {
            "": "粵港澳大灣區內一次計劃中的跨境數據傳輸：路線、各方、數據集、數量、已落實的機制及各地法律事實。標有默認值的字段可以省略，由加載器補全。日期寫作 "
            "YYYY-MM-DD。",
            "/apiVersion": "清單格式版本：`gba-dataflow/v1`。",
            "/transfer/method": "數據如何出境：`transmission`（發送給接收方）或 `remote_access`（數據留存原處，由境外讀取或查詢；"
            "國家網信辦 2025 年 4 月的答問也将其視為數據出境）。僅由身處境內的人員訪問不屬於數據出境，無需清單。",
            "/exporter/registration_number": "出境方的登記號碼，台賬以其記錄：內地出境方為 18 位統一社會信用代碼（含校驗碼），"
            "香港為 8 位商業登記號碼，澳門為商業登記編號（數字，可加 `(SO)`）；按 `exporter.region` 的格式核對。"
            "",
            "/dataset/human_genetic_resources": "數據集是否包含人類遺傳資源信息？其出境除《個人信息保護法》的途徑外，"
            "還須依《人類遺傳資源管理條例》另行審批或備案（給出警告）。",
            "/mechanisms/international_agreement": "據以提供個人信息的、中華人民共和國締結或參加的國際條約或協定名稱"
            "（《網络數據安全管理條例》自 2025-01-01 起規定的途徑；不適用於關鍵信息基礎設施運營者）。",
            "/macao/adequacy_reference": "所依據的澳門個人資料保護局充分性決定的編號或公佈（第十九條）。",
            "/kind": "文檔類型：`TransferManifest`。",
            "/id": "本次傳輸的標識：小寫字母、數字、`.`、`_` 和 `-`，以字母或數字開頭（例如 "
            "`crm-to-hk-service-centre`）。",
            "/title": "本次傳輸的可讀標題。",
            "/transfer": "數據集的流動：路線、日期、目的及所主張的豁免。",
            "/transfer/origin": "數據從何處出境：ISO 3166 地區代碼，可附城市。",
            "/transfer/origin/region": "數據出境地區的 ISO 3166 代碼：廣東為 `CN-GD`，香港為 "
            "`HK`，澳門為 `MO`；其他 ISO 3166-1 alpha-2 或 "
            "3166-2 代碼（`CN-BJ`、`SG`）亦可接受，交由規則判斷。",
            "/transfer/origin/city": "數據出境的城市（例如 `Shenzhen`、`Hong "
            "Kong`）；決定是否屬於大灣區內地九市。",
            "/transfer/destination": "數據傳往何處：ISO 3166 地區代碼，可附城市。",
            "/transfer/destination/region": "數據傳往地區的 ISO 3166 代碼：廣東為 `CN-GD`，香港為 "
            "`HK`，澳門為 `MO`；其他 ISO 3166-1 alpha-2 "
            "或 3166-2 "
            "代碼（`CN-BJ`、`SG`）亦可接受，交由規則判斷。",
            "/transfer/destination/city": "數據傳往的城市（例如 `Shenzhen`、`Hong "
            "Kong`）；決定是否屬於大灣區內地九市。",
            "/transfer/date": "計劃傳輸日期（YYYY-MM-DD）。",
            "/transfer/purpose": "傳輸數據的原因，用平實的話寫（自由文本）。",
            "/transfer/exemption": "依據《促進和規範數據跨境流動規定》主張的豁免：`contract`（第五條第一項，與個人訂立的合同）、`hr`（第五條第二項，跨境人力資源管理）、`emergency`（第五條第三項，生命、健康或財產安全）、`statutory_duty`（履行法定職責或義務），或 "
            "`none`。",
            "/transfer/exemption_justification": "所主張豁免的必要性說明；`exemption` 不為 `none` 時應填寫。",
            "/transfer/onward_transfer_outside_gba": "接收方是否會將數據再提供給大灣區以外的任何人？",
            "/exporter": "發送數據的組織（個人信息處理者或數據處理者）。",
            "/exporter/name": "出境方的法定名稱。",
            "/exporter/region": "出境方註冊地區的 ISO 3166 代碼。",
            "/exporter/city": "出境方註冊的城市。",
            "/exporter/ciio": "出境方是否為關鍵信息基礎設施運營者？",
            "/exporter/state_organ": "出境方是否為國家機關（《個人信息保護法》第三十六條）？",
            "/exporter/sector": "所屬行業（自由文本）；`banking`、`credit_referencing` 和 "
            "`healthcare` 關係到大灣區標準合同的試點。",
            "/exporter/ftz": "出境方註冊所在的自由貿易試驗區：`nansha`、`qianhai`、`hengqin` "
            "或其他自貿區名稱；不在自貿區則為 null。",
            "/recipient": "接收數據的組織。",
            "/recipient/name": "接收方的法定名稱。",
            "/recipient/region": "接收方註冊或所在地區的 ISO 3166 代碼。",
            "/recipient/city": "接收方註冊或所在的城市。",
            "/dataset": "被傳輸的數據。",
            "/dataset/name": "數據集名稱。",
            "/dataset/important_data": "該數據是否已被有關部門告知或公開發布為重要數據（《數據安全法》第二十一條）？",
            "/dataset/core_data": "該數據是否為核心數據（《數據安全法》第二十一條第二款）？",
            "/dataset/foreign_origin_only": "是否所有個人信息均在境外收集，且未加入境內個人信息（《促進和規範數據跨境流動規定》第四條）？",
            "/dataset/ftz_negative_list": "自貿區數據出境負面清單（《促進和規範數據跨境流動規定》第六條）。",
            "/dataset/ftz_negative_list/applies": "是否有自貿區負面清單約束該出境方？",
            "/dataset/ftz_negative_list/listed": "該數據是否列入該負面清單？",
            "/dataset/subjects": "本次傳輸所含個人信息涉及的人數（整數 >= 0）。",
            "/dataset/sensitive_subjects": "其中本次傳輸所含敏感個人信息涉及的人數（整數 >= 0）。",
            "/dataset/fields": "數據集的字段，至少一個，各有其類別。",
            "/dataset/fields/0": "數據集的一個字段（列、屬性）及其類別。",
            "/dataset/fields/0/name": "字段在數據集中的名稱。",
            "/dataset/fields/0/category": "`non_personal`、`personal`（個人信息，《個人信息保護法》第四條）或 "
            "`sensitive_personal`（敏感個人信息，《個人信息保護法》第二十八條）。",
            "/dataset/fields/0/sensitive_type": "敏感個人信息的種類，依《個人信息保護法》第二十八條；用於 "
            "`sensitive_personal` 字段。",
            "/volume": "計數期間（自當年1月1日起）的累計數量，含本次傳輸。",
            "/volume/personal_subjects_ytd": "本年度該出境方已向境外提供個人信息的人數，含本次傳輸。",
            "/volume/sensitive_subjects_ytd": "本年度該出境方已向境外提供敏感個人信息的人數，含本次傳輸。",
            "/volume/personal_subjects_since_previous_year": "自上一年1月1日起該出境方已向境外提供個人信息的人數，含本次傳輸：2024年3月22日前的計數期間。",
            "/volume/sensitive_subjects_since_previous_year": "自上一年1月1日起該出境方已向境外提供敏感個人信息的人數，含本次傳輸（2024年3月22日前的計數期間）。",
            "/volume/processed_subjects_total": "出境方處理個人信息的總人數（2024年前的100萬人門檻）。",
            "/mechanisms": "已落實的傳輸機制。每一項均為可選；缺少某項即表示“未落實”。",
            "/mechanisms/security_assessment": "國家網信部門數據出境安全評估（《個人信息保護法》第四十條，《促進和規範數據跨境流動規定》第七條、第九條）。",
            "/mechanisms/security_assessment/status": "`none`（未申報）、`pending`、`approved` "
            "或 `rejected`。",
            "/mechanisms/security_assessment/approved_on": "安全評估通過的日期。",
            "/mechanisms/security_assessment/valid_until": "評估結果有效期的最後一天。",
            "/mechanisms/security_assessment/reference": "安全評估的編號。",
            "/mechanisms/security_assessment/extension_applied_on": "申請延長評估結果有效期的日期（《促進和規範數據跨境流動規定》第九條）。",
            "/mechanisms/standard_contract": "個人信息出境標準合同（《個人信息出境標準合同辦法》）。",
            "/mechanisms/standard_contract/effective_on": "合同生效日期。",
            "/mechanisms/standard_contract/filed_on": "合同向省級網信部門備案的日期。",
            "/mechanisms/standard_contract/reference": "備案編號。",
            "/mechanisms/certification": "個人信息保護認證。",
            "/mechanisms/certification/certified_on": "證書頒發日期。",
            "/mechanisms/certification/valid_until": "證書有效期的最後一天。",
            "/mechanisms/certification/body": "頒發證書的認證機構。",
            "/mechanisms/gba_standard_contract": "大灣區（內地、香港或內地、澳門）個人信息跨境流動標準合同。",
            "/mechanisms/gba_standard_contract/effective_on": "合同生效日期。",
            "/mechanisms/gba_standard_contract/filed_on": "合同備案日期。",
            "/mechanisms/gba_standard_contract/filed_with": "備案機關：`guangdong_cac`（廣東省網信辦）、`hk_dpo`（香港數字政策辦公室）、`dspdp`（澳門個人資料保護局），或 "
            "null。",
            "/mechanisms/gba_standard_contract/reference": "備案編號。",
            "/mechanisms/notice_given": "是否已向個人告知接收方、目的、方式、種類及其權利（《個人信息保護法》第三十九條）？",
            "/mechanisms/separate_consent": "是否已取得單獨同意（《個人信息保護法》第三十九條；敏感個人信息另見第二十九條）？",
            "/mechanisms/pipia": "個人信息保護影響評估（《個人信息保護法》第五十五條）。",
            "/mechanisms/pipia/completed_on": "影響評估完成的日期。",
            "/hong_kong": "香港《個人資料（私隱）條例》下的事實；出境地為 `HK` 時讀取。",
            "/hong_kong/dpp1_notice": "是否已在收集時或之前告知資料當事人此類承讓人（保障資料第1原則第3款）？",
            "/hong_kong/purpose": "傳輸目的與收集目的相比：`same`、`directly_related` 或 "
            "`new`（新目的須取得訂明同意，保障資料第3原則）。",
            "/hong_kong/prescribed_consent": "是否已取得訂明同意：明示、自願且未撤回（第2(3)條）？",
            "/hong_kong/processor_contract": "是否已與資料處理者訂立合約（保障資料第2(3)原則、第4(2)原則）？",
            "/macao": "澳門《個人資料保護法》（第8/2005號法律）下的事實；出境地為 `MO` 時讀取。",
            "/macao/adequacy_decision": "主管當局是否認定目的地具備適當保護水平（第十九條）？",
            "/macao/article20_ground": "依第二十條第一款援引的例外：`explicit_consent`、`contract_with_subject`、`contract_in_subject_interest`、`public_interest_or_legal_claims`、`vital_interests`、`public_register` "
            "或 `none`。",
            "/macao/notified": "是否已將傳輸通知個人資料保護局（第二十條第一款）？",
            "/macao/authorisation": "個人資料保護局對傳輸的許可（第二十條第二款）。",
            "/macao/authorisation/granted_on": "許可發出的日期。",
            "/macao/authorisation/reference": "許可的編號。",
            "/macao/sensitive_basis": "處理敏感資料的依據（第七條）：`explicit_consent`、`legal_authorisation`、`dspdp_authorisation` "
            "或 `none`。",
        },
        "defaults": {
            "null (the ledger then keys by the legal name, with a warning)": "null（台賬改以法定名稱記錄，並給出警告）",
            "null (none)": "null（無）",
            "null (none named)": "null（未指明）",
            "null (unknown)": "null（未知）",
            "null, meaning the as-of date of the evaluation (`--as-of`, else today)": "null，即評估的截至日期（`--as-of`，否則為今天）",
            "null (not stated)": "null（未說明）",
            "not in place": "未落實",
            "status `none`": "狀態 `none`",
            "not granted": "未獲許可",
            "not done": "未進行",
            "neither applies nor listed": "既不適用也未列入",
            "empty": "空",
            "`dataset.subjects`, with a warning that the cumulative volume is unknown": "`dataset.subjects`，並警告累計數量未知",
            "`dataset.sensitive_subjects`, with the same warning": "`dataset.sensitive_subjects`，並給出同樣的警告",
        },
        "words": {
            "title": "gba-dataflow 傳輸清單：{route}",
            "intro": [
                "替換每一個 TODO，更正每一個與本次傳輸不符的值，然後檢查：",
                "    gba-dataflow check THIS-FILE.yaml",
                "每個字段上方：含義，然後是（必填或可選 · 類型 · 可選值 · 默認值）。",
                "可選字段可以刪除：屆時適用默認值。`# key: value` 一行表示默認取另一字段值的字段；刪去 `#` 即可設定。日期寫作 "
                "YYYY-MM-DD。",
                "完整的 schema：`gba-dataflow schema manifest`。",
            ],
            "for_route": "本路線（{route}）：",
            "required": "必填",
            "optional": "可選",
            "one_of": "可選值：",
            "exactly": "固定為 ",
            "eg": "例如 ",
            "matching": "須匹配 ",
            "default": "默認：",
            "date": "日期 YYYY-MM-DD",
            "text": "文本",
            "integer": "整數",
            "number": "數字",
            "boolean": "true 或 false",
            "object": "映射",
            "array": "列表",
            "null": "null",
            "or": " 或 ",
            "at_least": "，至少 {count} 項",
            "left_out": "{key}：已省略：{why}",
            "for_field": "本路線（{route}）：{hint}",
            "more_entries": "更多條目形如：`- {name: full_name, category: personal}` 或 `- "
            "{name: account_balance, category: sensitive_personal, "
            "sensitive_type: financial_account}`；其人數計入 dataset.subjects "
            "和 dataset.sensitive_subjects。",
            "skip_hk": "香港《個人資料（私隱）條例》的事實，僅在出境地為 HK 時讀取",
            "skip_mo": "澳門《個人資料保護法》的事實，僅在出境地為 MO 時讀取",
            "skip_volume": "累計數量僅對內地出境計數",
            "skip_mechanisms": "本路線不讀取任何傳輸機制",
            "skip_mainland_fact": "內地出境事實，本路線不讀取",
            "skip_mainland_mechanism": "內地出境機制，本路線不讀取",
            "hint_gd9": "大灣區標準合同要求為大灣區內地九市之一：{cities}。",
            "hint_filed_with": "{origin} 一方向 `{filed_with}` 備案。",
            "hint_pilot": "2024年10月31日前，大灣區標準合同僅向試點行業開放。",
            "todo_title": "TODO：傳輸什麼、傳給誰",
            "todo_purpose": "TODO：為何傳輸數據，用平實的話寫",
            "todo_exporter": "TODO：出境方的法定名稱",
            "todo_recipient": "TODO：接收方的法定名稱",
            "todo_dataset": "TODO：數據集名稱",
            "route_mainland": "適用內地出境規則（《個人信息保護法》和《促進和規範數據跨境流動規定》）：傳輸需要豁免、大灣區標準合同、已備案的國家標準合同、認證或安全評估。請填寫 "
            "`volume` 和 `mechanisms`。",
            "route_gba": "大灣區標準合同（內地—{other}，自{since}起）：出境方和接收方須位於大灣區內地九市（exporter.city）或{other}；須在合同生效後10個工作日內向廣東省網信辦備案（filed_with: "
            "guangdong_cac）。",
            "route_hk": "適用香港《個人資料（私隱）條例》：請填寫 `hong_kong` "
            "一節（承讓人類別的告知、目的、新目的的訂明同意、資料處理者合約）。",
            "route_mo": "適用澳門《個人資料保護法》：請填寫 `macao` "
            "一節（已通知個人資料保護局的第二十條第一款依據，或個人資料保護局的許可；敏感資料的處理依據）。",
            "route_to_gd": "大灣區標準合同（mechanisms.gba_standard_contract，filed_with: "
            "{filed_with}）向大灣區內地九市的接收方開放（recipient.city）。",
            "route_hk_mo": "香港與澳門之間沒有大灣區標準合同，因此省略 `mechanisms`。",
            "route_other": "所附規則集可能不涵蓋本路線：沒有規則集涵蓋的傳輸一律拒絕（失敗即拒絕）。",
            "hk": "香港",
            "mo": "澳門",
            "since_hk": "2023年12月13日",
            "since_mo": "2024年9月10日",
        },
    },
}
