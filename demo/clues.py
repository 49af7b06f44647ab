"""Leads, findings and transfers of the demo county 青山县, built through the clues services.

`build_clues(builder)` runs after `DemoBuilder.build()`, in the seed's transaction, and acts as the demo
users would: team members record and triage leads and write findings, the 副组长 and 组长 review, the
组长 proposes dispositions, the office confirms and transfers, 纪委监委 reports results. What the services
stamp with the time of the run is moved back to when it would have happened (queryset updates). Round 6
(on site) gets leads in every channel, public reports and findings in every review state; round 5
(rectifying) gets approved findings for 第一巡察组's units (县农业农村局 is `unit1`'s) and two transfer
batches: one to 县纪委监委 with results, one to 县委组织部 overdue.
"""

import importlib
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from clues.models import (
    Category,
    Channel,
    Finding,
    FindingReview,
    Lead,
    OutOfScope,
    PublicStatus,
    Sanction,
    ScopeStatus,
    Severity,
    TransferBatch,
    TransferItem,
)
from clues.models import DisciplineForm as Form
from clues.models import Disposition as Dispo
from clues.models import HandlingResult as Result
from clues.models import PartnerDepartment as Partner
from clues.services.dispositions import disposition_confirm, disposition_propose
from clues.services.findings import category_save, finding_create, finding_review
from clues.services.intake import handover_record_outcome, lead_record, lead_triage
from clues.services.public import lead_set_public_reply, public_report_submit, receipt_hash
from clues.services.transfers import (
    batch_acknowledge,
    batch_create,
    batch_send,
    item_report_result,
    transfer_deadline_sweep,
)
from demo import data as D
from rounds.models import Assignment, Unit
from rounds.services import unit_set_staff
from teams.models import MemberRole, TeamMember
from teams.services import cadre_save
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group
from xuncha.core.documents import document_render, documents_of
from xuncha.core.models import DocumentStatus

# Accounts given to team cadres here: username -> (round, team, role). The account takes the cadre's name.
TEAM_ACCOUNTS = {
    "fuzuzhang1": (6, 1, MemberRole.DEPUTY),
    "r5zuzhang1": (5, 1, MemberRole.LEADER),
    "r5fuzuzhang1": (5, 1, MemberRole.DEPUTY),
    "r5zuyuan1": (5, 1, MemberRole.MEMBER),
}
STAFF = {"县纪委监委": "jiwei", "县委组织部": "zuzhibu", "县信访局": "xinfang"}
TAXONOMY = "clues.migrations.0002_taxonomy"  # THREE_FOCUSES: the tree seeded as data
CATEGORIES = {  # short key -> a sub-category of the seeded "三个聚焦" tree
    "lead": "坚持和加强党的全面领导", "duty": "履行职能责任、贯彻落实重大决策部署",
    "formalism": "形式主义、官僚主义", "serve": "担当尽责、为民服务", "clean": "依法廉洁用权、侵害群众利益",
    "eight": "中央八项规定精神", "assets": "资金、资产、资源、资本和工程项目", "org": "党组织建设",
    "people": "新时代党的组织路线和选人用人", "resp": "管党治党政治责任（含巡视巡察、审计等整改）",
}  # fmt: skip

# A lead: who records it (username), days after stationing it arrived (negative: a partner department's
# 情况通报 before it), the person reported on (a key shared by leads on the same person, so the duplicate
# flag shows; "principal_…" names the principal of a village in the context; his post, rank, 班子成员), and
# the reporter's work unit if he gave his name.
L = namedtuple(
    "L", "key unit channel by day summary content subject reporter partner", defaults=(None, None, "")
)
C = Channel
ROUND6_LEADS = [
    L("road", "柳塘镇", C.LETTER, "zuyuan1", 3, "反映柳塘镇副镇长插手高标准农田建设项目招标、验收把关不严",
      "2025年柳塘镇实施高标准农田建设项目，总投资约860万元。来信反映，分管农业的副镇长在招标前多次约见投标人，暗示由其亲戚实际控制的建筑公司中标；项目开工后，部分沟渠衬砌厚度达不到设计要求，验收时仍签字通过。来信附有施工现场照片和部分工程量清单。", ("fuzhen", "柳塘镇党委委员、副镇长", "副科级", True), "柳塘镇{village}村民"),
    L("car", "柳塘镇", C.PHONE, "zuyuan1", 9, "反映柳塘镇副镇长公车私用",
      "来电人称，今年以来多个周末看见镇政府一辆公务用车停在该副镇长老家门口，车辆没有派车登记；国庆假期该车还出现在邻县一景区停车场。来电人不愿留姓名，称可到镇政府车辆管理台账中核对。", ("fuzhen", "柳塘镇党委委员、副镇长", "副科级", True)),
    L("land", "柳塘镇", C.VISIT, "zuyuan1", 6, "来访人对集镇道路扩建房屋征收补偿标准有异议",
      "来访人系柳塘镇集镇居民，其临街房屋因集镇道路扩建被征收，认为评估价格偏低、装修部分未予补偿，与镇征收办多次协商未果，要求巡察组督促提高补偿标准。", None, "柳塘镇集镇居民"),
    L("insurance", "县委政法委", C.ONLINE, "zuyuan1", 10, "原编外聘用人员要求补缴社会保险",
      "来信人通过巡察组邮箱反映，其系县委政法委原编外聘用人员，2019年至2021年间单位未为其足额缴纳社会保险，离职后多次要求补缴未果，请巡察组帮助解决。", None, "县委政法委原编外聘用人员"),
    L("allowance", "县委政法委", C.INTERVIEW, "zuzhang1", 12, "反映县委政法委以值班补助名义违规发放津补贴",
      "个别谈话中，有干部反映县委政法委2024年以“维稳值班补助”“综治考核奖励”名义向机关干部发放补贴两批，人均约6000元，资金从县综治专项经费中列支，未经县人社、财政部门审批。", ("zhengfa", "县委政法委副书记", "正科级", True), "县委政法委干部"),
    L("reception", "县信访局", C.DOCUMENTS, "zuyuan1", 15, "查阅财务资料发现县信访局公务接待无公函、无清单",
      "查阅县信访局2024年至2025年财务凭证，发现有31笔公务接待无公函、无接待清单，合计4.6万元，其中9笔发生在周末，接待地点为城郊农家乐，报销凭证仅附餐饮发票。", ("xinfangban", "县信访局办公室主任", "股级", False)),
    L("farm", "柳塘镇", C.FIELD, "zuyuan1", 18, "走访中村民反映惠农补贴重复领取、村干部亲属违规享受低保",
      "巡察组到柳塘镇{village}走访，多名村民反映2024年耕地地力保护补贴名单中有已流转土地的农户与流入方重复领取，另有3户村干部近亲属被纳入低保，而邻近的困难户没有评上。", ("principal_v", "", "村干部", False)),
    L("jiwei", "县委政法委", C.HANDOVER, "zuzhang1", -6, "县纪委监委通报：反映县委政法委科室负责人插手案件",
      "县纪委监委信访室通报：2024年以来收到反映县委政法委执法监督科负责人为他人打招呼、插手具体案件的信访件2件，经初步了解有一定线索价值，尚未了结。", ("zhifa", "县委政法委执法监督科科长", "股级", False), None, Partner.JIWEI),
    L("zuzhibu", "柳塘镇", C.HANDOVER, "zuzhang1", -6, "县委组织部通报：柳塘镇事业单位招聘回避问题和干部档案涂改",
      "县委组织部干部监督股通报：2025年柳塘镇事业单位公开招聘中，拟聘人员有2人系镇领导班子成员近亲属，群众对招聘程序的公平性有议论；另有一名镇干部档案中出生日期、参加工作时间存在涂改。", None, None, Partner.ZUZHIBU),
    L("petitions", "柳塘镇", C.HANDOVER, "zuzhang1", -5, "县信访局通报：近两年涉及柳塘镇的信访情况",
      "县信访局通报：近两年涉及柳塘镇的信访件共47件，其中反映农村低保、惠农补贴发放不公的19件，反映村级工程项目质量和资金的11件，{village}重复信访较多。", None, None, Partner.XINFANG),
    L("audit", "青山县融资担保有限公司", C.HANDOVER, "zuzhang1", -5, "县审计局通报：融资担保公司为关联企业违规担保造成代偿损失",
      "县审计局2025年审计发现，青山县融资担保有限公司2023年至2024年为3户不符合条件的企业提供担保1800万元，其中2户已由公司代偿1260万元，相关企业与公司原副总经理存在关联关系。", ("danbao", "青山县融资担保有限公司原副总经理", "中层正职", True), None, Partner.AUDIT),
    L("gift", "县公安局", C.LETTER, "zuyuan2", 8, "反映派出所所长接受娱乐场所经营者宴请、收受购物卡",
      "来信人称，城郊派出所所长长期接受辖区内两家娱乐场所经营者宴请，春节、中秋期间收受购物卡，对场所超时经营等问题不予查处。", ("suozhang", "县公安局城郊派出所所长", "副科级", False), "个体工商户"),
    L("housing", "太平镇", C.PHONE, "zuyuan2", 11, "反映太平镇农村危房改造补助优亲厚友",
      "来电反映太平镇{village2}2024年农村危房改造补助名单中，有2户已在县城购买商品房，其中1户系村委会主任的兄弟，而真正住危房的五保户没有纳入。", ("principal_v2", "", "村干部", False)),
    L("forest", "太平镇", C.HANDOVER, "zuyuan2", -4, "县检察院移送：太平镇林业站原站长涉嫌套取生态公益林补偿资金",
      "县检察院在办理一起破坏生态案件中发现，太平镇林业站原站长涉嫌在生态公益林补偿资金发放中虚报面积，套取资金约23万元。", ("linye", "太平镇林业站原站长", "股级", False), None, Partner.PROCURATORATE),
    L("trips", "县检察院", C.DOCUMENTS, "zuyuan2", 14, "查阅派车记录发现县检察院部分公务用车使用事由与办案记录不符",
      "查阅县检察院2025年公务用车运行记录，发现有12次派车单事由填写为“办案”，但同期没有对应的案件办理记录，行驶里程合计约3100公里。"),
    L("sand", "青山县矿产资源开发有限公司", C.HANDOVER, "office", -3, "县公安局通报：矿产资源公司副总经理涉嫌收受非法采砂人员“协调费”",
      "县公安局经侦大队通报：2025年查处的一起非法采砂案件中，涉案人员供述曾向青山县矿产资源开发有限公司一名副总经理支付“协调费”，该公司对其承包采砂点的越界开采未予制止。", ("kuangchan", "青山县矿产资源开发有限公司副总经理", "中层正职", True), None, Partner.POLICE),
]  # fmt: skip
ROUND5_LEADS = [
    L("subsidy", "县农业农村局", C.LETTER, "r5zuyuan1", 4, "反映县农业农村局副局长为亲属经营的合作社骗取农机购置补贴打招呼",
      "来信反映，县农业农村局分管农机工作的副局长，其妻弟经营的农机专业合作社2023年至2024年以同一批机具重复申报农机购置补贴，该副局长在审核中打招呼放行，并在合作社入股分红。来信附有补贴申报表复印件。", ("nongji", "县农业农村局党组成员、副局长", "副科级", True), "农机专业合作社社员"),
    L("banquet", "县供销社", C.INTERVIEW, "r5zuzhang1", 9, "反映县供销社副主任安排下属企业承担个人餐费、收受烟酒",
      "个别谈话中，有干部反映县供销社副主任多次安排下属企业承担其个人及亲友的餐费，春节期间收受下属企业负责人所送烟酒。", ("gongxiao", "县供销社党组成员、副主任", "副科级", True), "县供销社干部"),
    L("fuel", "石桥镇", C.PHONE, "r5zuyuan1", 13, "反映石桥镇财政所所长违规报销个人费用",
      "来电反映石桥镇财政所所长利用审核报账的便利，将个人加油费、通讯费混入单位公用经费报销，金额约两万元。", ("caizheng", "石桥镇财政所所长", "股级", False)),
    L("cadres", "青山县供销农资有限公司", C.DOCUMENTS, "r5zuyuan1", 16, "查阅资料发现供销农资公司中层干部任免无民主推荐和考察",
      "查阅公司2024年中层干部调整资料，发现5名中层干部的任免没有民主推荐和考察材料，其中1名系公司党支部书记的外甥，任职前在公司工作不满一年。"),
    L("promotion", "县农业农村局", C.ONLINE, "r5zuyuan1", 20, "反映县农业农村局农机股股长提拔不符合任职年限",
      "来信（巡察组电子邮箱）反映，县农业农村局2025年提拔的农机股股长任职年限不够，民主推荐时得票排名第五仍被确定为考察对象，群众议论较多。", ("guzhang", "县农业农村局农机股股长", "股级", False)),
    L("dibao", "extended", C.FIELD, "r5zuyuan1", 24, "走访中村民反映村干部近亲属违规享受低保",
      "巡察组到{extended}走访，村民反映2025年新增低保户中有3户是村干部的近亲属，家里有车有店面，而村里一户因病致贫的家庭两次申请都没有评上。", ("principal_x", "", "村干部", False)),
]  # fmt: skip
# Round 5 dispositions, all confirmed by the office: lead key -> (disposition, the 组长's reason).
ROUND5_DISPOSITIONS = {
    "subsidy": (Dispo.TO_JIWEI, "反映领导班子成员在惠农补贴审核中谋取私利，线索具体、可查性强，涉嫌违纪违法，移交县纪委监委处置。"),
    "banquet": (Dispo.TO_JIWEI, "反映领导班子成员违反中央八项规定精神，属纪检监察机关管辖，移交县纪委监委处置。"),
    "fuel": (Dispo.TO_JIWEI, "反映公职人员违规报销，需调取账目和流水核实，巡察组不具备核查手段，移交县纪委监委处置。"),
    "cadres": (Dispo.TO_ZUZHIBU, "反映国有企业选人用人问题，属组织部门职责范围，移交县委组织部处置。"),
    "promotion": (Dispo.TO_ZUZHIBU, "反映干部选拔任用问题，属组织部门职责范围，移交县委组织部处置。"),
    "dibao": (Dispo.VERIFY, "反映问题具体，巡察组可通过查阅低保档案和入户走访核实，作为问题底稿素材。"),
}  # fmt: skip

# A finding: unit, category key, title, 问题表现, 定性依据, severity, 重点, 立行立改情况 (or ""), the state it
# is left in ("returned@deputy": sent back by the 副组长; "returned@office": by the office), a lead key.
F = namedtuple(
    "F",
    "unit cat title manifestation basis severity key on_site status lead",
    defaults=("", "approved", None),
)
G, SER, GRAVE = Severity.GENERAL, Severity.SERIOUS, Severity.GRAVE
ROUND6_FINDINGS = [
    F("柳塘镇", "clean", "惠农补贴和低保审核把关不严，村干部亲属违规享受低保", "{village}2024年耕地地力保护补贴发放名单中，有7户已流转承包地的农户与流入方重复申报，多发补贴1.3万元；该村3户村干部近亲属家庭收入超过当地低保标准仍被纳入低保，镇民政办审核时未入户核查。",
      "违反《社会救助暂行办法》和农村最低生活保障审核确认的有关规定，属于侵害群众利益的不正之风问题。", SER, True, "", "approved", "farm"),
    F("县委政法委", "eight", "以值班补助名义违规发放津补贴", "2024年，县委政法委以“维稳值班补助”“综治考核奖励”名义向机关干部发放补贴两批，共计17.6万元，人均约6000元，资金从县综治专项经费中列支，未经县人社、财政部门审批。",
      "违反中央八项规定精神和《中国共产党纪律处分条例》关于滥发津贴、补贴、奖金的规定。", SER, True, "巡察期间已责令立即停止发放，委务会专题研究清退方案，已清退12.4万元，其余款项限一个月内清退完毕。", "approved"),
    F("县信访局", "eight", "公务接待管理不规范，无公函接待问题突出", "2024年至2025年，县信访局有31笔公务接待无公函、无接待清单，合计4.6万元，其中9笔发生在周末，接待地点为城郊农家乐，报销凭证仅附餐饮发票。",
      "违反《党政机关国内公务接待管理规定》关于无公函不得接待和凭公函、清单、发票报销的规定。", G, False, "已修订机关公务接待管理办法，实行“一事一函一清单”，2笔明显超标准的接待费用已由经办人退回。", "leader_approved"),
    F("青山县融资担保有限公司", "assets", "违规为关联企业提供担保，造成国有资产损失", "2023年至2024年，公司未按规定开展保前调查，为3户不符合担保条件的企业提供担保1800万元，其中2户与公司原副总经理存在关联关系，到期后由公司代偿1260万元，至今追偿不足200万元。",
      "违反《融资担保公司监督管理条例》和《企业国有资产法》关于关联交易和防止国有资产损失的规定。", GRAVE, True, "", "deputy_approved"),
    F("柳塘镇", "formalism", "基层报表台账多头填报，迎检材料负担重", "柳塘镇要求各村每月报送党建、综治、环境整治等报表23种，其中9种内容重复；2025年为迎接检查，各村补做会议记录和工作台账，部分台账存在补签、代签。",
      "不符合中央关于精简文件会议、整治过多过频填表报数、为基层减负的要求，属于形式主义问题。", G, False, "", "submitted"),
    F("县委政法委", "lead", "“第一议题”制度落实不到位，学习与业务结合不紧", "2025年县委政法委委务会会议共召开18次，其中7次未将学习习近平总书记重要讲话精神作为第一议题；学习以传达文件为主，未结合平安建设和政法队伍建设研究贯彻措施。",
      "不符合“第一议题”制度和党委（党组）理论学习中心组学习规则的要求。", G, False, "", "submitted"),
    F("柳塘镇", "people", "事业单位公开招聘回避制度执行不严", "2025年柳塘镇事业单位公开招聘中，拟聘用的2名人员系镇领导班子成员近亲属，相关领导干部未按规定申请回避，仍参与了面试考官选派等工作。",
      "违反《事业单位公开招聘人员暂行规定》关于回避的规定。", SER, False, "", "returned@deputy"),
    F("柳塘镇", "resp", "审计发现问题整改不到位", "县审计局2024年对柳塘镇开展经济责任审计指出的5个问题中，村级债务化解、项目结余资金清理2个问题仍未整改到位，镇党委未再研究部署。",
      "不符合落实管党治党政治责任和审计整改主体责任的要求。", G, False, "", "returned@office"),
    F("县信访局", "serve", "信访事项办理不及时，群众重复信访较多", "抽查2025年信访事项办理台账80件，有14件超过法定期限办结，6件答复意见未送达信访人；同期重复信访占比达23%。",
      "违反《信访工作条例》关于信访事项办理时限和答复的规定。", G, False, "", "draft"),
    F("青山县融资担保有限公司", "org", "党支部“三会一课”制度落实不严格", "公司党支部2025年上半年仅召开支部委员会2次、讲党课1次，部分会议记录内容雷同，存在以业务会代替组织生活的现象。",
      "不符合《中国共产党支部工作条例（试行）》关于“三会一课”的要求。", G, False, "", "draft"),
]  # fmt: skip
RETURN_REASONS = {
    "deputy": "两名拟聘人员与领导班子成员的亲属关系尚需核实，请补充干部档案和招聘资料的查阅记录后再提交。",
    "office": "请核对审计报告原文，写明未整改问题涉及的资金数额，并附镇党委研究整改的会议记录。",
}
ROUND5_FINDINGS = [
    F("县农业农村局", "duty", "耕地保护和粮食安全责任制落实不到位", "2025年全县撂荒地复耕复种任务完成率仅为68%，局党组对乡镇督导不力，未按要求开展季度通报。",
      "不符合粮食安全党政同责和耕地保护责任制的要求。", G, False),
    F("县农业农村局", "assets", "农机购置补贴审核把关不严", "2023年至2024年，局农机股对农机购置补贴申请只做书面审核，未按规定开展机具核验，一家农机专业合作社以同一批机具重复申报补贴46.8万元，审核中未被发现。",
      "违反农机购置与应用补贴实施的有关规定，惠农资金监管不力。", SER, True, "", "approved", "subsidy"),
    F("县农业农村局", "eight", "违规使用公务用车、超标准公务接待", "2025年有5次公务用车派车无审批，其中2次用于干部周末回家；接待上级检查组3次超出规定标准，超出部分1.2万元在项目经费中列支。",
      "违反中央八项规定精神和《党政机关公务用车管理办法》《党政机关国内公务接待管理规定》。", G, False, "已对2名违规使用公务用车的干部进行提醒谈话，超标准接待费用1.2万元由相关责任人个人承担并退回。"),
    F("县农业农村局", "people", "干部选拔任用程序不规范", "2025年提拔的4名股级干部中，有1人任职年限不符合要求，民主推荐中得票排名靠后仍被确定为考察对象，党组会议研究时未说明理由。",
      "违反《党政领导干部选拔任用工作条例》关于任职资格和民主推荐结果运用的规定。", SER, False),
    F("县农业农村局", "formalism", "高标准农田建设项目监管流于形式", "2024年实施的3个高标准农田建设项目，监理日志多处雷同，局项目办验收时未实地抽检，有1个项目沟渠衬砌厚度不足设计要求仍通过验收。",
      "违反《农田建设项目管理办法》关于项目监理和竣工验收的规定，属于形式主义、官僚主义问题。", SER, True),
    F("县农业农村局", "resp", "审计指出问题整改不彻底", "县审计局2023年审计指出的项目资金拨付不及时问题，局党组虽制定了整改措施，但2025年仍有960万元项目资金滞留超过半年。",
      "不符合落实审计整改主体责任的要求。", G, False),
    F("石桥镇", "clean", "惠农资金发放监管不力", "镇农业综合服务中心对2024年实际种粮农民一次性补贴发放名单未公示复核，有11户已不种粮的农户仍领取补贴0.9万元。",
      "违反惠农补贴资金“一卡通”管理和公示制度的规定。", SER, True),
    F("石桥镇", "org", "党委理论学习中心组学习不规范", "2025年镇党委理论学习中心组计划学习8次，实际开展5次，其中2次学习记录为补记，研讨发言未形成材料。",
      "不符合《中国共产党党委（党组）理论学习中心组学习规则》的要求。", G, False),
    F("石桥镇", "assets", "村集体经济合同管理混乱", "抽查全镇村集体经济合同62份，有15份未经村民代表会议讨论，8份租期超过20年且租金明显偏低。",
      "违反农村集体“三资”管理和村级重大事项“四议两公开”的规定。", G, False),
    F("extended", "assets", "村集体资金使用不规范，“白条”入账", "2024年至2025年，该村有23笔、合计8.6万元支出以白条入账，其中4.2万元用于村干部误餐和外出考察，未经村民代表会议审议。",
      "违反农村集体财务管理规定和村级小微权力清单制度。", SER, False),
    F("extended", "clean", "低保评定优亲厚友", "该村2025年新增低保对象6户，其中3户为村干部近亲属，入户调查表由村干部代填，评议会议记录缺少参会村民签字。",
      "违反《社会救助暂行办法》和低保审核确认的有关规定，属于侵害群众利益的不正之风。", SER, True, "", "approved", "dibao"),
    F("县供销社", "eight", "违规公款吃喝", "2024年以来，社机关以“业务交流”名义在下属企业食堂宴请12次，费用4.3万元由下属企业承担，部分宴请饮用高档白酒。",
      "违反中央八项规定精神，属于违规公款吃喝问题。", G, True),
    F("县供销社", "assets", "社有资产出租未公开招租", "社有门面房和仓库出租23处，其中14处未经评估、未公开招租，直接与原承租人续签，租金低于周边市场价约30%。",
      "违反供销合作社社有资产管理的有关规定，存在资产流失风险。", SER, False),
    F("青山县供销农资有限公司", "people", "中层干部选任程序不规范", "2024年公司调整中层干部5名，未经民主推荐和考察，由总经理办公会直接决定，党支部未履行把关职责。",
      "违反国有企业中层管理人员选聘的有关规定，党组织在选人用人中的把关作用发挥不够。", G, False),
    F("青山县供销农资有限公司", "assets", "化肥储备资金管理不规范", "2024年春耕化肥储备资金中有150万元被挪用于公司日常经营周转，储备化肥实际库存比账面少约180吨。",
      "违反化肥储备管理关于专款专用和库存管理的规定。", SER, False, "巡察期间公司已将挪用的150万元归还储备资金专户，并补足储备化肥库存。"),
]  # fmt: skip

# The public reports (开门巡察) on round 6 第一巡察组's announcements: unit, content, name, phone?, address.
PUBLIC_REPORTS = [
    ("柳塘镇", "我是柳塘镇{village}村民，村里2025年硬化的通组公路不到一年就多处开裂、下沉，施工时路面明显偏薄，希望巡察组查一查这个工程。", True, "192.0.2.11"),
    ("青山县融资担保有限公司", "公司有领导的亲属开了几家贸易公司，这几年都从公司拿到了担保，有的到期还不上钱，最后由公司代偿，请巡察组认真查一查。", False, "192.0.2.12"),
    ("县委政法委", "反映县委政法委机关有干部工作日中午饮酒，下午上班时仍有酒气，群众来办事看在眼里。", False, "192.0.2.13"),
]  # fmt: skip
PUBLIC_REPLY = "您反映的通组公路质量问题，巡察组已会同镇村建设部门实地核查：该路段尚在质保期内，施工单位已对开裂、下沉路段返修，镇政府暂扣了相应质保金。感谢您对巡察工作的支持。"  # fmt: skip


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


@dataclass
class ClueDemo:
    """What the seed reports: the receipt codes (code, unit, status) and the accounts made here."""

    codes: list[tuple[str, str, str]] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


class ClueBuilder:
    def __init__(self, demo):
        self.demo, self.people, self.today = demo, demo.people, demo.today
        self.office = demo.office
        self.users = dict(demo.users)
        self.result = ClueDemo()
        self.leads: dict[str, Lead] = {}
        self.names: dict[str, str] = {}

    def build(self) -> ClueDemo:
        self.categories = self._categories()
        self.build_accounts()
        for unit_name, username in STAFF.items():
            unit_set_staff(unit=self.demo.units[unit_name], users=[self.users[username]], by=self.office)
        self.round6()
        self.round5()
        return self.result

    # --- setup -----------------------------------------------------------------------------------

    def _categories(self) -> dict[str, Category]:
        """The seeded "三个聚焦" sub-categories, made again the office's way if a test's flush took them."""
        found = {}
        for i, (area, names) in enumerate(importlib.import_module(TAXONOMY).THREE_FOCUSES, start=1):
            parent = Category.objects.filter(scheme="三个聚焦", parent=None, name=area).first()
            parent = parent or category_save(category=Category(name=area, order=i), by=self.office)
            for j, name in enumerate(names, start=1):
                found[name] = parent.children.filter(name=name).first() or category_save(
                    category=Category(name=name, parent=parent, order=j), by=self.office
                )
        return {key: found[name] for key, name in CATEGORIES.items()}

    def build_accounts(self) -> None:
        """More team cadres log in: the 副组长 of round 6 第一巡察组 and the core of round 5 第一巡察组."""
        group = role_group(Role.TEAM)
        for username, (number, team, role) in TEAM_ACCOUNTS.items():
            member = TeamMember.objects.select_related("cadre", "team").filter(
                round=self.demo.rounds[number], team__number=team, role=role, cadre__user__isnull=True
            ).order_by("pk").first()  # fmt: skip
            cadre = member.cadre
            user = User.objects.create(
                username=username, name=cadre.name, email=D.USER_EMAIL.format(username=username),
                phone=cadre.phone, password=self.office.password,  # the demo password's hash, made once
                organization=cadre.home_unit.name, post=cadre.post,
            )  # fmt: skip
            user.groups.add(group)
            cadre.user = user
            cadre_save(cadre=cadre, by=self.office)
            self.users[username] = user
            label = f"{self.demo.rounds[number].short_name}{member.team.name}{member.get_role_display()}"
            self.result.accounts.append((username, cadre.name, label))

    def assignment(self, round, team: int, unit: str) -> Assignment:
        qs = Assignment.objects.select_related("unit", "team", "round").filter(round=round, team__number=team)
        if unit == "extended":
            return qs.get(unit__unit_type="village")
        return qs.get(unit__name=unit)

    def village(self, township: str) -> Unit:
        return Unit.objects.filter(parent__name=township, name__endswith="村").order_by("pk").first()

    # --- leads -----------------------------------------------------------------------------------

    def record(self, spec: L, assignment: Assignment, ctx: dict) -> Lead:
        subject = {}
        if spec.subject:
            who, post, rank, leadership = spec.subject
            if who.startswith("principal"):
                unit = ctx[who]
                name, post, principal = unit.principal_name, unit.principal_post, True
                post = f"{unit.name}{post}" if unit.parent_id else post
            else:
                name, principal = self.names.get(who) or self.people.name()[0], False
            self.names[who] = name
            subject = dict(
                subject_name=name, subject_post=post, subject_rank=rank,
                subject_is_principal=principal, subject_is_leadership=leadership,
            )  # fmt: skip
        identity = {}
        if spec.reporter:
            identity = dict(
                reporter_name=self.people.name()[0], reporter_phone=self.people.mobile(),
                reporter_work_unit=spec.reporter.format(**ctx),
            )  # fmt: skip
        received = min(assignment.onsite_start + timedelta(days=spec.day), self.today)
        data = dict(
            channel=spec.channel, partner_department=spec.partner, received_on=received,
            summary=spec.summary, content=spec.content.format(**ctx), **subject,
        )  # fmt: skip
        lead = lead_record(assignment=assignment, data=data, identity=identity, by=self.users[spec.by])
        Lead.objects.filter(pk=lead.pk).update(created_at=at(received, 10, 30))
        self.leads[spec.key] = lead
        return lead

    def round6(self) -> None:
        r6 = self.demo.rounds[6]
        v1, v2 = self.village("柳塘镇"), self.village("太平镇")
        ctx = {
            "village": v1.name.removeprefix("柳塘镇"), "village2": v2.name.removeprefix("太平镇"),
            "principal_v": v1, "principal_v2": v2,
        }  # fmt: skip
        teams = {"zuyuan2": 2, "office": 7}
        for spec in ROUND6_LEADS:
            self.record(spec, self.assignment(r6, teams.get(spec.by, 1), spec.unit), ctx)
        zuyuan1, zuyuan2, zuzhang1 = self.users["zuyuan1"], self.users["zuyuan2"], self.users["zuzhang1"]
        for key in ("road", "car", "allowance", "reception", "farm"):
            lead_triage(lead=self.leads[key], scope=ScopeStatus.IN_SCOPE, by=zuyuan1)
        for key in ("gift", "housing", "trips"):
            lead_triage(lead=self.leads[key], scope=ScopeStatus.IN_SCOPE, by=zuyuan2)
        xinfang = self.demo.units["县信访局"]
        land = lead_triage(
            lead=self.leads["land"], scope=ScopeStatus.OUT_OF_SCOPE, category=OutOfScope.LAND, handed_to=xinfang,
            explanation="您反映的房屋征收补偿问题属征地拆迁类诉求，不属巡察受理范围。按照归口管理原则，已转县信访局依法依规办理，办理结果由该局答复您。",
            by=zuyuan1,
        )  # fmt: skip
        lead_triage(
            lead=self.leads["insurance"], scope=ScopeStatus.OUT_OF_SCOPE, category=OutOfScope.PERSONAL,
            handed_to=xinfang, by=zuyuan1,
            explanation="您反映的社会保险补缴问题属个人诉求，不属巡察受理范围，已转县信访局协调人社等部门依法办理。",
        )  # fmt: skip
        handover_record_outcome(
            lead=land, by=self.users["xinfang"],
            outcome="经县信访局协调，县自然资源局、柳塘镇征收办会同评估机构对该房屋装修部分作了补充评估，补偿款已按补充评估结果增加，来访人表示接受。",
        )  # fmt: skip
        # The 组长's proposals: one waits for the office, one is confirmed and becomes a finding.
        disposition_propose(
            lead=self.leads["road"], disposition=Dispo.TO_JIWEI, by=zuzhang1,
            reason="反映领导班子成员插手工程项目、验收把关不严，线索具体，涉嫌违纪，建议移交县纪委监委处置。",
        )  # fmt: skip
        disposition_propose(
            lead=self.leads["farm"], disposition=Dispo.VERIFY, by=zuzhang1,
            reason="反映问题具体，巡察组可通过查阅补贴发放名单和低保档案核实，作为问题底稿素材。",
        )  # fmt: skip
        disposition_confirm(lead=self.leads["farm"], by=self.office)
        self.public_reports(r6, ctx)
        self.findings(r6, 1, ROUND6_FINDINGS, ctx, writer="zuyuan1", deputy="fuzuzhang1", leader="zuzhang1")

    def public_reports(self, round, ctx: dict) -> None:
        zuyuan1, zuzhang1 = self.users["zuyuan1"], self.users["zuzhang1"]
        for index, (unit, content, named, ip) in enumerate(PUBLIC_REPORTS):
            announcement = self.assignment(round, 1, unit).announcement
            name, phone = (self.people.name()[0], self.people.mobile()) if named else ("", "")
            code = public_report_submit(
                announcement=announcement, content=content.format(**ctx), name=name, phone=phone, ip=ip
            )
            lead = Lead.objects.get(receipt_hash=receipt_hash(code))
            if index == 0:  # verified on the spot and closed, with a reply the citizen reads with his code
                lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=zuyuan1)
                lead_set_public_reply(lead=lead, reply=PUBLIC_REPLY, by=zuzhang1)
                disposition_propose(
                    lead=lead, disposition=Dispo.CLOSE, by=zuzhang1,
                    reason="经实地核查，路段在质保期内，施工单位已返修，不涉及违纪违法问题，予以了结。",
                )  # fmt: skip
                disposition_confirm(lead=lead, by=self.office)
            elif index == 1:
                lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=zuyuan1)
            lead.refresh_from_db()
            self.result.codes.append((code, unit, PublicStatus(lead.public_status).label))

    # --- findings --------------------------------------------------------------------------------

    def findings(self, round, team: int, specs, ctx: dict, *, writer, deputy, leader, when=None) -> None:
        writer, deputy, leader = self.users[writer], self.users[deputy], self.users[leader]
        chain = [("submit", writer), ("approve", deputy), ("approve", leader), ("approve", self.office)]
        steps = {
            s: chain[:n]
            for n, s in enumerate(["draft", "submitted", "deputy_approved", "leader_approved", "approved"])
        }
        steps |= {
            "returned@deputy": chain[:1] + [("return", deputy)],
            "returned@office": chain[:3] + [("return", self.office)],
        }
        dated = []
        for index, spec in enumerate(specs):
            assignment = self.assignment(round, team, spec.unit)
            unit = assignment.unit
            data = dict(
                category=self.categories[spec.cat], title=spec.title, manifestation=spec.manifestation.format(**ctx),
                basis=spec.basis, responsible_persons=f"{unit.principal_name}（{unit.principal_post}，主体责任）",
                severity=spec.severity, is_key=spec.key, fixed_on_site=bool(spec.on_site), on_site_action=spec.on_site,
            )  # fmt: skip
            leads = [self.leads[spec.lead]] if spec.lead else []
            finding = finding_create(assignment=assignment, data=data, leads=leads, by=writer)
            reason = RETURN_REASONS.get(spec.status.partition("@")[2], "")
            for action, by in steps[spec.status]:
                finding_review(finding=finding, action=action, by=by, reason=reason * (action == "return"))
            if when:  # back-date a past round: written on site, one review a day, approved before `when`
                written = when - timedelta(days=5 + len(specs) - index)
                reviews = FindingReview.objects.filter(finding=finding).order_by("pk")
                for n, review in enumerate(reviews, start=1):
                    reviewed = at(written + timedelta(days=n), 10)
                    FindingReview.objects.filter(pk=review.pk).update(at=reviewed)
                dated.append((finding.pk, written, reviewed))
        # After all are numbered (in this year): the number's 〔year〕 is the year it was written.
        for pk, written, reviewed in dated:
            Finding.objects.filter(pk=pk).update(
                created_at=at(written, 16), approved_at=reviewed, year=written.year
            )

    # --- round 5: dispositions and transfers -----------------------------------------------------

    def round5(self) -> None:
        r5 = self.demo.rounds[5]
        extended = self.assignment(r5, 1, "extended").unit
        ctx = {"extended": extended.name, "principal_x": extended}
        for spec in ROUND5_LEADS:
            lead = self.record(spec, self.assignment(r5, 1, spec.unit), ctx)
            if spec.channel != Channel.HANDOVER:
                lead_triage(lead=lead, scope=ScopeStatus.IN_SCOPE, by=self.users["r5zuyuan1"])
        leader = self.users["r5zuzhang1"]
        onsite_end = self.leads["subsidy"].assignment.onsite_end
        for key, (disposition, reason) in ROUND5_DISPOSITIONS.items():
            disposition_propose(lead=self.leads[key], disposition=disposition, reason=reason, by=leader)
            disposition_confirm(lead=self.leads[key], by=self.office)
            Lead.objects.filter(pk=self.leads[key].pk).update(confirmed_at=at(onsite_end + timedelta(12), 15))
        self.findings(
            r5, 1, ROUND5_FINDINGS, ctx, writer="r5zuyuan1", deputy="r5fuzuzhang1", leader="r5zuzhang1",
            when=onsite_end + timedelta(days=10),
        )  # fmt: skip
        sent = onsite_end + timedelta(days=22)
        self.jiwei_batch(sent)
        self.zuzhibu_batch()
        transfer_deadline_sweep(self.today)  # the office and 组织部 are told the batch is overdue, once

    def _send(self, receiver: str, keys, note: str, sent: date, deadline_days: int = 30) -> TransferBatch:
        batch = batch_create(
            receiver=self.demo.units[receiver], leads=[self.leads[k] for k in keys], note=note,
            deadline_days=deadline_days, by=self.office,
        )  # fmt: skip
        batch = batch_send(batch=batch, by=self.office)
        # batch_send stamps today and sets the deadline from it; the demo's batch went out on `sent`,
        # and is numbered in that year.
        others = TransferBatch.objects.filter(year=sent.year).exclude(pk=batch.pk)
        TransferBatch.objects.filter(pk=batch.pk).update(
            sent_at=at(sent, 9, 30), deadline=sent + timedelta(days=deadline_days), year=sent.year,
            serial=(others.aggregate(n=Max("serial"))["n"] or 0) + 1,
        )  # fmt: skip
        batch.refresh_from_db()
        return batch

    def jiwei_batch(self, sent: date) -> None:
        jiwei = self.users["jiwei"]
        note = "第五轮巡察第一巡察组发现的问题线索，请依规依纪依法处置。"
        batch = self._send("县纪委监委", ["subsidy", "banquet", "fuel"], note, sent)
        batch = batch_acknowledge(batch=batch, by=jiwei)
        items = {item.lead_id: item for item in batch.items.all()}
        results = [
            ("subsidy", Result.CASE, "经初核，该同志利用职务便利为亲属经营的合作社骗取农机购置补贴提供帮助，收受好处费3.5万元。县纪委监委已立案审查调查，经审理给予其留党察看一年处分、政务撤职处分，违纪所得予以收缴。",
             [dict(form=Form.THIRD, sanction=Sanction.PARTY, detail="留党察看一年，政务撤职")]),
            ("banquet", Result.TALK, "经函询，本人对收受烟酒问题作了说明并上交所收礼品，对下属企业承担餐费问题作了检讨，相关费用已退还。",
             [dict(form=Form.FIRST, sanction=Sanction.TALK, detail="谈话提醒")]),
            ("fuel", Result.CLOSE, "经初步核实，所反映的加油费、通讯费均有派车记录和工作记录，系按规定报销，反映问题不属实，予以了结。", []),
        ]  # fmt: skip
        for key, result, note, persons in results:
            lead = self.leads[key]
            persons = [dict(p, name=lead.subject_name, post=lead.subject_post) for p in persons]
            item_report_result(item=items[lead.pk], result=result, note=note, persons=persons, by=jiwei)
        TransferBatch.objects.filter(pk=batch.pk).update(
            acknowledged_at=at(sent + timedelta(days=1), 10), reported_at=at(sent + timedelta(days=27), 16)
        )
        TransferItem.objects.filter(batch=batch).update(reported_at=at(sent + timedelta(days=27), 16))
        self.render(batch)

    def zuzhibu_batch(self) -> None:
        # Overdue on purpose: sent 35 days ago with 30 days to report, and no result yet. batch_send
        # cannot send into the past, so the sending is moved back after it (see _send).
        sent = self.today - timedelta(days=35)
        note = "第五轮巡察发现的选人用人方面问题线索，请依规处置并反馈结果。"
        self.render(self._send("县委组织部", ["cadres", "promotion"], note, sent))

    def render(self, batch: TransferBatch) -> None:
        """The 移交函 and 移交清单 now (python-docx is quick), so they download at once; the worker that
        `make demo` starts finds them done and does nothing."""
        for pk in documents_of(batch).filter(status=DocumentStatus.QUEUED).values_list("pk", flat=True):
            document_render(document_id=pk)


def build_clues(demo) -> ClueDemo:
    """Add the leads, findings and transfers to the county `demo` (a built DemoBuilder)."""
    return ClueBuilder(demo).build()
