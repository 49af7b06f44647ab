"""The history of the demo county's completed rounds (1–4): what the leadership dashboards, the quality
evaluation and the common-problem analysis count.

The services refuse to write into a round that is 完成 (findings, leads and feedback belong to a round
still under way), so this module writes the rows directly, in bulk, as the services would have left
them at the end of each round, with the dates they would carry and history rows that tell the same story
(created, then moved along, by the office where it acted; a team cadre without a login leaves the user
empty). Per round and team:

- approved findings (问题底稿) in the "三个聚焦" sub-categories, with the review trail; some papers were
  sent back (退回) once or twice — few for a strong team, most for a weak one;
- leads, confirmed dispositions and transfer batches to 县纪委监委, 县委组织部 and 县审计局 with results
  (立案 with the persons dealt with by the four forms, 谈话函询, 了结, 暂存) — many for a strong team;
- a closed rectification per unit (反馈问题, measures 立行立改/限期整改/长期坚持 all 销号, a few reopened
  after a relapse, and a rating);
- the scores of the leadership group, the office and each inspected unit (TeamScore).

Round 4 is the 回头看 of round 1: its four units are found again with problems of the categories fed
back to them in round 1, and two round-1 measures are reopened (反弹) during it, then closed again.
Random choices use `random.Random(20264)`, so the history is the same on every run.
"""

import copy
import importlib
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from clues.models import (
    Category,
    Channel,
    Disposition,
    Finding,
    FindingReview,
    FindingStatus,
    HandlingResult,
    Lead,
    LeadStatus,
    PersonDealt,
    Sanction,
    ScopeStatus,
    Severity,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from clues.services.findings import category_save
from dashboards.models import ScoreSource, TeamScore
from demo.clues import CATEGORIES, TAXONOMY
from rectification.models import (
    Accountability,
    AccountabilityReason,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    Problem,
    Rating,
    Rectification,
    RectStatus,
)
from rectification.services.feedback import DEFAULT_DEMANDS
from rounds.models import Assignment, UnitType
from xuncha import access
from xuncha.core.numerals import cn_number

SEED = 20264
S = FindingStatus
R = FindingReview.Action
CATS = dict(CATEGORIES, xi="贯彻落实习近平新时代中国特色社会主义思想、做到“两个维护”")

# --- team profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How well a team worked: findings per unit, the share of papers sent back, leads per unit, the
    share of leads transferred, the share of transfers to 县纪委监委 that became 立案, and the scores of
    the leadership group, the office and (a mean around) the inspected units."""

    per_unit: float
    returned: float
    leads: float
    transferred: float
    cases: float
    leadership: int
    office: int
    unit: int
    note: str


STRONG = "发现问题精准深入，问题底稿事实清楚、定性准确，移交线索质量高，立案转化率高"
GOOD = "发现问题较为全面，底稿质量较好，线索处置规范"
FAIR = "完成巡察任务，发现问题数量一般，部分底稿需补充完善"
WEAK = "发现问题不深不透，底稿多次被退回，线索发现和移交少，建议约谈提醒"
PROFILES = {
    (1, 1): Profile(6.5, 0.05, 2.5, 0.7, 0.7, 95, 93, 90, STRONG),
    (1, 2): Profile(5, 0.15, 1.5, 0.5, 0.4, 88, 86, 91, GOOD),
    (1, 3): Profile(4, 0.2, 1.25, 0.4, 0.3, 83, 82, 86, GOOD),
    (1, 4): Profile(2, 0.6, 0.5, 0.5, 0.0, 66, 70, 85, WEAK),
    (1, 5): Profile(3, 0.3, 1, 0.5, 0.3, 79, 81, 88, FAIR),
    (2, 1): Profile(6, 0.1, 2, 0.6, 0.6, 92, 90, 87, STRONG),
    (2, 2): Profile(4, 0.2, 1.5, 0.5, 0.3, 84, 83, 88, GOOD),
    (2, 3): Profile(2, 0.55, 0.5, 0.5, 0.0, 70, 74, 82, WEAK),
    (3, 1): Profile(4, 0.1, 1.5, 0.6, 0.6, 90, 89, 86, STRONG),
    (3, 2): Profile(3, 0.2, 1, 0.5, 0.5, 85, 84, 90, GOOD),
    (3, 3): Profile(2, 0.45, 0.5, 0.5, 0.3, 75, 77, 88, FAIR),
    (3, 4): Profile(3.5, 0.15, 1.25, 0.6, 0.5, 88, 86, 89, GOOD),
    (3, 5): Profile(2.5, 0.35, 0.75, 0.4, 0.3, 78, 80, 85, FAIR),
    (4, 1): Profile(4, 0.1, 1.5, 0.6, 0.5, 89, 88, 85, GOOD),
    (4, 2): Profile(3, 0.25, 1, 0.5, 0.3, 80, 82, 87, FAIR),
}

# How often a category is found, per round (weights of a sample without replacement per unit).
WEIGHTS = {
    1: dict(eight=4, assets=3.5, people=2.5, lead=2, resp=2, org=2, duty=1.5, clean=1.5, formalism=1.5, serve=1, xi=1),
    2: dict(assets=4, clean=3.5, duty=2.5, people=2, eight=2, lead=1.5, resp=1.5, org=1, formalism=1, serve=1.5, xi=0.5),
    3: dict(clean=5, assets=5, org=2.5, eight=1.5, serve=1.5, duty=1.5, people=1.5, formalism=1, resp=1, lead=1.5),
    4: dict(resp=3, eight=2, assets=2, clean=2, people=1.5, org=1.5, lead=1, formalism=1, duty=1, serve=1, xi=0.5),
}  # fmt: skip

# --- what the papers say ----------------------------------------------------------------------------
# (title, 问题表现, 定性依据). Placeholders: {y} the year looked at, {n} {k} {j} {big} counts (j < k),
# {m} 万元, {s} 元, {p} a percentage, {party} 党组/党委/党支部 as the unit has.

# fmt: off
GENERAL = {
    "xi": [
        ("学习贯彻习近平新时代中国特色社会主义思想不够深入", "{y}年{party}理论学习中心组集中学习{k}次，以传达文件、领读原文为主，结合本单位实际研讨交流不够，学习成果转化不明显。", "不符合《中国共产党党委（党组）理论学习中心组学习规则》的要求。"),
        ("意识形态工作责任制落实不到位", "{party}{y}年仅研究意识形态工作{j}次，未开展意识形态领域风险研判，单位网站和公众号信息发布审核把关不严。", "不符合《党委（党组）意识形态工作责任制实施办法》的要求。"),
    ],
    "duty": [
        ("贯彻落实县委县政府重大决策部署打折扣", "{y}年承担的{k}项县委重点工作任务中，有{j}项未按期完成，未向县委作出说明。", "不符合贯彻落实重大决策部署和请示报告制度的要求。"),
        ("履行行业监管职责不到位", "对行业领域监管以书面检查为主，{y}年实地检查覆盖率不足{p}%，群众反映的{n}件问题未及时处置。", "不符合依法履行监管职责的要求。"),
        ("优化营商环境举措落实不到位", "{n}项涉企事项仍要求企业重复提交材料，承诺办结时限平均超出{k}个工作日。", "不符合《优化营商环境条例》的要求。"),
    ],
    "lead": [
        ("“第一议题”制度落实不严格", "{y}年{party}会议召开{big}次，其中{k}次未将学习习近平总书记重要讲话精神作为第一议题。", "不符合“第一议题”制度的要求。"),
        ("“三重一大”事项集体决策制度执行不到位", "{y}年有{k}项大额资金支出、合计{m}万元未经{party}会集体研究，由分管领导签批。", "违反“三重一大”决策制度实施办法的规定。"),
        ("把方向、管大局作用发挥不够", "{party}会议研究业务工作多、研究党建工作少，{y}年专题研究全面从严治党工作仅{j}次。", "不符合《中国共产党党组工作条例》关于党组织领导作用的要求。"),
    ],
    "formalism": [
        ("文山会海问题仍然存在", "{y}年以单位名义印发文件{big}件、召开会议{n}次，部分文件照搬照转上级文件，未提出具体落实措施。", "不符合中央关于精简文件会议、为基层减负的要求。"),
        ("督查检查考核过多过频", "{y}年对基层开展各类督查检查{n}次，要求报送材料{big}份，部分考核以留痕代替实绩。", "不符合整治形式主义为基层减负的要求。"),
        ("调查研究流于形式", "班子成员{y}年形成调研报告{k}篇，其中{j}篇内容雷同，未提出解决问题的具体举措。", "不符合大兴调查研究的要求。"),
    ],
    "serve": [
        ("服务群众意识不强，办事效率不高", "抽查{y}年办件{big}件，有{n}件超期办结，“推绕拖”问题群众反映较多。", "不符合全心全意为人民服务的宗旨要求。"),
        ("群众反映强烈的问题解决不及时", "12345热线转办的{big}件诉求中有{n}件超期未回复，{j}件群众不满意的诉求未重新办理。", "不符合《信访工作条例》和热线诉求办理时限的规定。"),
        ("为民办实事项目推进缓慢", "{y}年确定的{k}项民生实事中有{j}项进度滞后，资金到位率仅{p}%。", "不符合为民办实事的工作要求。"),
    ],
    "clean": [
        ("关键岗位权力监督薄弱", "财务、采购等关键岗位人员长期未轮岗，最长的已任职{k}年；{y}年{n}笔采购未经比价。", "不符合廉政风险防控和关键岗位轮岗交流的规定。"),
        ("违规收受管理服务对象礼金礼品", "{k}名干部在节日期间收受管理服务对象购物卡、礼品，折合{s}元，未按规定上交登记。", "违反《中国共产党纪律处分条例》关于收受礼品礼金的规定。"),
        ("侵害群众利益问题整治不力", "涉及群众切身利益的{k}项补贴资金发放未公示，{n}名不符合条件人员违规享受，涉及金额{m}万元。", "属于侵害群众利益的不正之风问题。"),
    ],
    "eight": [
        ("违规发放津补贴", "{y}年以加班费、值班补助等名义发放补贴{m}万元，未经人社、财政部门审批。", "违反中央八项规定精神和津贴补贴发放的有关规定。"),
        ("公务接待管理不规范", "{n}笔公务接待无公函、无接待清单，合计{m}万元，部分接待陪餐人数超标。", "违反《党政机关国内公务接待管理规定》。"),
        ("公务用车管理不规范", "{y}年公务用车派车记录缺失{n}次，{k}次节假日使用公车无审批手续。", "违反《党政机关公务用车管理办法》。"),
        ("违规公款吃喝", "以会议费、培训费名义列支餐费{m}万元，部分用于内部聚餐。", "违反中央八项规定精神，属于违规公款吃喝问题。"),
    ],
    "assets": [
        ("政府采购制度执行不严", "{y}年{n}项采购未按规定公开招标或比选，涉及金额{m}万元，部分项目化整为零规避招标。", "违反《政府采购法》及其实施条例的规定。"),
        ("国有资产管理混乱，账实不符", "固定资产账面{big}项，实地盘点缺失{n}项，{k}处房产出租未经评估、未公开招租。", "违反行政事业性国有资产管理的有关规定。"),
        ("工程项目管理不规范", "{k}个工程项目存在先施工后招标、设计变更未按程序审批等问题，结算超合同价{m}万元。", "违反《招标投标法》和工程建设项目管理的有关规定。"),
        ("专项资金使用管理不规范", "{m}万元专项资金滞留超过一年，{n}笔资金挤占挪用于日常公用经费。", "违反专项资金专款专用的规定。"),
    ],
    "org": [
        ("基层党组织组织生活不规范", "{y}年所属{k}个党支部“三会一课”记录不全，主题党日活动内容单一，部分会议记录存在补记。", "不符合《中国共产党支部工作条例（试行）》的要求。"),
        ("党员教育管理不严格", "{j}名党员组织关系长期未转接，{y}年党费收缴存在少缴、漏缴，涉及{n}人。", "不符合党员教育管理和党费收缴的有关规定。"),
        ("民主生活会质量不高", "{y}年度民主生活会批评意见辣味不足，班子成员相互批评意见{n}条，多为工作建议。", "不符合《县以上党和国家机关党员领导干部民主生活会若干规定》的要求。"),
    ],
    "people": [
        ("干部选拔任用程序不规范", "{y}年提拔的{k}名中层干部中，有{j}人民主推荐得票未过半仍被确定为考察对象，个人有关事项核查不到位。", "违反《党政领导干部选拔任用工作条例》的规定。"),
        ("干部人事档案管理不规范", "抽查干部人事档案{big}卷，有{k}卷出生日期、参加工作时间等信息前后不一致且未认定。", "违反《干部人事档案工作条例》的规定。"),
        ("编外人员招聘不规范", "{y}年招聘编外人员{n}名，未公开发布招聘信息，其中{j}名系单位干部亲属。", "违反公开招聘和任职回避的有关规定。"),
    ],
    "resp": [
        ("全面从严治党主体责任落实不力", "{party}书记{y}年与班子成员开展廉政谈话仅{j}次，对班子成员分管领域问题失察。", "不符合《党委（党组）落实全面从严治党主体责任规定》的要求。"),
        ("审计发现问题整改不到位", "县审计局{y}年审计指出的{k}个问题中，有{j}个问题仍未整改到位，涉及资金{m}万元。", "不符合落实审计整改主体责任的要求。"),
        ("以案促改工作流于形式", "对本系统发生的{j}起违纪违法案件，未开展警示教育和以案促改，制度漏洞未及时堵塞。", "不符合以案促改、以案促治的要求。"),
    ],
}
# The 房地产领域 special round: what its units are found with first, before the general bank.
REAL_ESTATE = {
    "duty": [("保交楼工作推进不力", "辖区{k}个问题楼盘中有{j}个未按期交付，涉及购房户{big}户，监管资金使用监督不到位。", "不符合保交楼、稳民生工作部署的要求。")],
    "assets": [
        ("商品房预售资金监管不严", "{y}年有{k}个项目预售资金未进入监管账户直接拨付开发企业，涉及金额{m}万元。", "违反商品房预售资金监管的有关规定。"),
        ("土地出让金征收不到位", "{k}宗经营性用地出让金欠缴{m}万元，未按合同约定收取违约金。", "违反国有土地使用权出让合同和土地出让收支管理的规定。"),
        ("工程项目违规转包分包", "{k}个项目中标单位违规转包，项目结算审计核减率高达{p}%。", "违反《建筑法》和《招标投标法》的规定。"),
    ],
    "clean": [
        ("违规为开发企业调整规划指标", "{y}年有{j}宗地块在出让后调整容积率，未按规定补缴土地出让金{m}万元。", "违反城乡规划管理和土地出让的有关规定，存在利益输送风险。"),
        ("不动产登记窗口“吃拿卡要”", "群众反映登记窗口存在“先找中介后受理”等现象，{n}件登记业务超时办结，个别工作人员收受中介好处。", "违反依法廉洁用权的要求。"),
        ("住房保障对象审核把关不严", "{y}年公租房分配中有{n}户不符合保障条件仍在享受，{k}户长期转租转借。", "违反公共租赁住房管理的有关规定。"),
    ],
}
VILLAGE = {
    "clean": [
        ("低保评定优亲厚友", "该村{y}年享受低保的{n}户中，有{j}户为村干部近亲属，部分家庭有车有房不符合条件，评议会议记录缺少村民代表签字。", "违反《社会救助暂行办法》，属于侵害群众利益的不正之风问题。"),
        ("惠农补贴发放不规范", "{y}年耕地地力保护补贴发放名单未公示，{k}户已流转土地的农户与流入方重复领取，多发补贴{s}元。", "违反惠农补贴资金公示和“一卡通”管理的规定。"),
        ("危房改造补助对象认定不准", "{y}年危房改造补助{k}户中，有{j}户在城区购有住房，涉及补助资金{m}万元。", "违反农村危房改造补助对象认定的有关规定。"),
    ],
    "assets": [
        ("村集体“三资”管理混乱", "村集体{k}份资源发包合同未经村民代表会议讨论，{j}份合同租期超过20年，租金明显低于市场价。", "违反农村集体“三资”管理和“四议两公开”的规定。"),
        ("村级财务“白条”入账", "{y}年有{n}笔、合计{m}万元支出以白条入账，部分用于村干部误餐和外出考察。", "违反农村集体财务管理规定。"),
        ("村级工程项目管理不规范", "{k}个村级工程项目未按规定公开比选，由村干部指定施工队承建，工程款{m}万元。", "违反村级小微工程项目管理的规定。"),
        ("集体收入未及时入账", "村集体机动地承包费、厂房租金等收入{m}万元由村干部个人收取，长期未入账。", "违反农村集体财务管理规定，存在侵占集体资金的风险。"),
    ],
    "org": [
        ("村党支部战斗堡垒作用发挥不够", "村党支部{y}年“三会一课”开展不经常，支部委员会仅召开{j}次，组织生活流于形式。", "不符合《中国共产党农村基层组织工作条例》的要求。"),
        ("农村党员管理松散", "村{k}名流动党员长期失联，{j}名党员连续6个月以上未缴纳党费未作处理。", "不符合党员教育管理的有关规定。"),
    ],
    "eight": [("村干部违规吃喝", "{y}年村委会以接待名义在村内餐馆吃喝{n}次，费用{s}元由村集体承担。", "违反中央八项规定精神和村级公务接待的规定。")],
    "serve": [("为民服务代办制度落实不到位", "村党群服务中心经常无人值守，群众办理证明事项需多次往返，{y}年群众投诉{k}件。", "不符合为民服务全程代办制度的要求。")],
    "duty": [
        ("乡村振兴产业项目效益不佳", "村级产业扶持资金{m}万元投入的{k}个项目中，有{j}个项目停产闲置，未产生收益。", "不符合衔接推进乡村振兴、发展壮大村级集体经济的要求。"),
        ("耕地保护责任落实不到位", "全村撂荒耕地{big}亩未复耕，{k}处违规占用耕地建房未及时制止上报。", "不符合耕地保护和粮食安全责任制的要求。"),
    ],
    "people": [
        ("村级后备力量培养不足", "村“两委”成员平均年龄超过55岁，村级后备力量仅{j}人，未按要求开展培养。", "不符合村级后备力量培养的要求。"),
        ("村干部近亲属违规在村任职", "村聘用的{k}名公益性岗位人员中有{j}名系村干部近亲属，未按规定回避。", "违反村级公益性岗位管理和回避的规定。"),
    ],
    "formalism": [("村务公开不及时、不规范", "村务公开栏内容停留在{y}年上半年，财务收支仅公开总数，未逐笔公开。", "不符合村务公开的有关规定。")],
    "resp": [("上级反馈问题整改不到位", "镇党委{y}年反馈的{k}个问题中，{j}个问题仍未整改到位，整改台账存在“纸上销号”。", "不符合落实整改主体责任的要求。")],
    "lead": [("“四议两公开”制度执行不到位", "{y}年村级重大事项{k}项中，有{j}项未经“四议两公开”程序，由村党支部书记一人决定。", "违反“四议两公开”工作法的规定。")],
}
LOOKBACK = ("第一轮巡察反馈问题整改不彻底", "第一轮巡察反馈的{k}个问题中，有{j}个问题整改不到位，部分整改措施停留在制度层面，“纸上整改”问题依然存在。", "不符合巡察整改主体责任和“回头看”工作要求。")
ON_SITE = {
    "eight": "巡察期间已责令立即停止，违规款项已清退，对相关责任人进行了提醒谈话。",
    "assets": "巡察期间已对欠缴款项开展追缴，已追回部分资金，并暂停相关合同履行。",
    "clean": "巡察期间已对违规享受人员停发补助，追回违规资金，并重新公示。",
    "serve": "巡察期间已对超期事项逐件回访办结，并向群众作出答复。",
    "formalism": "巡察期间已清理重复报表和会议，取消不必要的督查检查事项。",
    "org": "巡察期间已补开支部委员会和党员大会，规范组织生活记录。",
    "people": "巡察期间已暂停相关人员的任用程序，重新履行推荐考察程序。",
}
# Measures per category: (限期整改 content, goal), (长期坚持 content, goal).
MEASURES = {
    "xi": (("制定理论学习中心组年度学习计划，开展专题研讨，形成调研成果", "学习计划落实，形成研讨成果"), ("建立理论学习督学和考勤通报制度", "制度印发执行")),
    "duty": (("对未完成的重点任务逐项制定推进计划，明确时间节点和责任人", "重点任务全部按计划推进"), ("将重大决策部署落实情况纳入年度考核", "形成常态化督办机制")),
    "lead": (("严格执行“第一议题”和“三重一大”集体决策制度，对未经集体研究的事项补充审议", "决策程序全部规范"), ("修订议事规则和“三重一大”决策实施办法", "制度印发执行")),
    "formalism": (("清理精简文件会议和督查检查事项，取消重复报表", "报表、会议数量明显压减"), ("建立督查检查计划管理和基层减负监测制度", "制度印发执行")),
    "serve": (("对超期办理和群众不满意事项逐件回访、重新办理", "超期事项全部办结"), ("完善首问负责、限时办结和群众评价制度", "制度印发执行")),
    "clean": (("对违规享受补助、补贴人员逐一清理，追回违规资金", "违规资金全部追回"), ("建立补助资金发放公示和复核制度", "制度印发执行")),
    "eight": (("清退违规发放的津补贴和超标准费用，对相关责任人批评教育", "违规款项全部清退"), ("修订公务接待、公务用车和津补贴发放管理办法", "制度印发执行")),
    "assets": (("开展资产资金清查，规范采购和出租出借，追缴欠缴款项", "账实相符，欠款追缴到位"), ("完善采购、资产管理和工程项目内控制度", "制度印发执行")),
    "org": (("规范“三会一课”和主题党日，补齐组织生活短板", "组织生活规范开展"), ("建立党支部工作季度检查通报制度", "制度印发执行")),
    "people": (("对选人用人和人事档案问题逐项核查纠正，结果报县委组织部", "问题全部纠正"), ("修订干部选拔任用工作规程和编外人员招聘办法", "制度印发执行")),
    "resp": (("专题研究未整改到位问题，逐项明确整改责任和时限", "遗留问题全部整改到位"), ("建立整改情况定期“回头看”和销号审核制度", "制度印发执行")),
}
BRANCHES = {
    "dept": dict(xi="办公室", duty="业务股室", lead="办公室", formalism="办公室", serve="政务服务窗口", clean="计划财务股",
                 eight="办公室", assets="计划财务股", org="机关党支部", people="人事股", resp="办公室"),
    "soe": dict(xi="党群工作部", duty="经营管理部", lead="综合办公室", formalism="综合办公室", serve="客户服务部", clean="纪检监察室",
                eight="综合办公室", assets="财务部", org="党群工作部", people="人力资源部", resp="综合办公室"),
    "village": dict(xi="村党支部", duty="村委会", lead="村党支部", formalism="村委会", serve="村党群服务中心", clean="村委会",
                    eight="村委会", assets="村务监督委员会", org="村党支部", people="村党支部", resp="村党支部"),
}
RETURN_REASONS = [
    "问题表现缺少具体时间、金额和涉及人员，请补充后再提交。",
    "定性依据引用的条款不准确，请核实后修改。",
    "证据材料不足以支撑问题定性，请补充谈话笔录或相关凭证。",
    "涉及金额与账目不一致，请核对原始凭证后修改。",
    "同类问题已在其他底稿中反映，请合并或写明区别。",
    "问题表述过于笼统，没有反映出问题的性质和危害，请重新提炼。",
]
CLOSE_REASONS = ["整改佐证材料齐全，经核实已整改到位，同意销号。", "经实地核查，整改措施已落实，同意销号。", "制度已印发执行，对账无误，同意销号。"]
REOPEN_REASONS = ["回访抽查发现同类问题再次出现，问题反弹，重新打开。", "县审计局专项审计发现该问题仍未彻底解决，重新打开。"]
RELAPSE_REASON = "第{round}轮巡察“回头看”发现该问题销号后再次出现，问题反弹，重新打开。"
RATING_NOTES = {
    Rating.GOOD: "整改态度端正，措施具体有力，反馈问题全部整改到位，建章立制成效明显。",
    Rating.FAIR_GOOD: "整改工作总体扎实，反馈问题基本整改到位，个别措施完成时间滞后。",
    Rating.FAIR: "整改工作推进不够有力，部分措施逾期完成，长效机制建设仍需加强。",
    Rating.POOR: "整改敷衍，多项措施逾期且被退回重改，整改效果不明显。",
}

# Leads: (summary, content, category). {post} is the person's post, {unit} the unit.
JIWEI_LEADS = {
    "dept": [
        ("反映{post}在工程项目中收受好处费", "来信反映{post}在分管的工程项目招投标和验收环节为特定企业提供帮助，收受对方所送现金和购物卡。", "assets"),
        ("反映{post}违规报销个人费用", "反映{post}利用审批便利，将个人加油费、通讯费和家庭餐费混入单位公用经费报销。", "eight"),
        ("反映{post}违规收受管理服务对象礼金", "反映{post}在节日期间多次收受管理服务对象所送礼金和购物卡，并为其办理审批事项提供便利。", "clean"),
        ("反映{post}挪用专项资金", "反映{post}将上级拨付的专项资金挪用于单位日常开支和发放福利。", "assets"),
        ("反映{post}插手政府采购", "反映{post}在办公设备和服务采购中指定供应商，采购价格明显高于市场价。", "assets"),
    ],
    "soe": [
        ("反映{post}利用职务便利为亲属企业谋利", "反映{post}多次将公司业务交由其亲属实际控制的企业承接，结算价格明显偏高。", "assets"),
        ("反映{post}违规收受工程承包方财物", "反映{post}在工程款拨付中收受承包方所送财物，并放松对工程质量的把关。", "clean"),
    ],
    "village": [
        ("反映{post}虚报冒领惠农补贴", "反映{post}以他人名义虚报耕地面积，冒领耕地地力保护补贴。", "clean"),
        ("反映{post}侵占村集体土地租金", "反映{post}将村集体机动地租金收入存入个人账户，长期不入账。", "assets"),
        ("反映{post}在村级工程中收受好处", "反映{post}将村级道路硬化工程指定给熟人承建，收受对方所送好处费。", "assets"),
        ("反映{post}截留挪用低保资金", "反映{post}截留部分低保户的低保金，用于村里开支和个人花销。", "clean"),
    ],
}
ZUZHIBU_LEADS = [
    ("反映{post}提拔任用程序不规范", "反映{post}任职时任职年限不够，民主推荐得票靠后仍被确定为考察对象。", "people"),
    ("反映{post}档案信息造假", "反映{post}的干部档案中出生日期和参加工作时间存在涂改。", "people"),
    ("反映{post}违规兼职取酬", "反映{post}在企业兼职并领取报酬，未按规定报批。", "people"),
]
OTHER_LEADS = [("反映{unit}工程结算价款明显偏高", "反映{unit}实施的改造工程结算价款明显高于同类工程，建议开展专项审计。", "assets")]
LOCAL_LEADS = [
    ("反映{unit}办事窗口服务态度差、办事效率低", "来电反映{unit}办事窗口工作人员态度生硬，同一事项要求群众多次补充材料。", "serve", Disposition.VERIFY),
    ("反映{unit}违规收取费用", "反映{unit}在办理业务时要求群众缴纳无依据的资料费。", "clean", Disposition.VERIFY),
    ("反映{unit}督查检查过多", "来信反映{unit}对基层督查检查过多，要求报送的材料重复。", "formalism", Disposition.VERIFY),
    ("反映{unit}干部上班时间玩手机、迟到早退", "来信反映{unit}部分干部工作纪律松散。", "serve", Disposition.CLOSE),
    ("反映{unit}某干部生活作风问题", "匿名来信反映{unit}一名干部生活作风不检点，内容笼统，未提供具体线索。", "clean", Disposition.HOLD),
]
DISPOSITION_REASONS = {
    Disposition.TO_JIWEI: "反映问题具体，涉嫌违纪违法，属纪检监察机关管辖，移交县纪委监委处置。",
    Disposition.TO_ZUZHIBU: "反映选人用人问题，属组织部门职责范围，移交县委组织部处置。",
    Disposition.TO_OTHER: "反映问题需开展专项审计核实，移交县审计局处置。",
    Disposition.VERIFY: "反映问题具体，巡察组可通过查阅资料和走访核实，作为问题底稿素材。",
    Disposition.CLOSE: "经初步了解，反映问题已由单位自行纠正，不涉及违纪违法，予以了结。",
    Disposition.HOLD: "反映问题笼统，暂不具备核查条件，暂存待查。",
}
POSTS = {
    "dept": [("党组成员、副局长", "副科级", True), ("办公室主任", "股级", False), ("计划财务股股长", "股级", False), ("项目办主任", "股级", False)],
    "soe": [("副总经理", "中层正职", True), ("财务部经理", "中层副职", False), ("工程部经理", "中层副职", False)],
    "village": [("党支部书记、村委会主任", "村干部", False), ("村委会副主任", "村干部", False), ("村报账员", "村干部", False)],
}
# (form, sanction, detail) of the persons dealt with, by how heavy the case is.
CASE_FORMS = [
    (2, Sanction.PARTY, "党内警告"), (2, Sanction.PARTY, "党内严重警告"), (2, Sanction.GOVERNMENT, "政务记过"),
    (3, Sanction.PARTY, "撤销党内职务、政务撤职"), (3, Sanction.PARTY, "留党察看一年"), (3, Sanction.GOVERNMENT, "政务降级"),
    (4, Sanction.JUDICIAL, "开除党籍、开除公职，涉嫌犯罪问题移送检察机关依法审查起诉"),
]
TALK_FORMS = [(1, Sanction.TALK, "谈话提醒"), (1, Sanction.CRITICISM, "批评教育"), (1, Sanction.ADMONISH, "诫勉")]
# fmt: on
RECEIVERS = {
    Disposition.TO_JIWEI: "县纪委监委",
    Disposition.TO_ZUZHIBU: "县委组织部",
    Disposition.TO_OTHER: "县审计局",
}
STAFF = {"县纪委监委": "jiwei", "县委组织部": "zuzhibu"}


def at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


@contextmanager
def stamped(*pairs) -> Iterator[None]:
    """Bulk inserts that keep the dates given (auto_now / auto_now_add would stamp the time of the run)."""
    fields = [model._meta.get_field(name) for model, name in pairs]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def unit_kind(unit) -> str:
    if unit.unit_type == UnitType.VILLAGE:
        return "village"
    return "soe" if unit.unit_type == UnitType.SOE else "dept"


def party_of(unit) -> str:
    post = unit.principal_post
    for word in ("党组", "党委", "党总支", "党支部"):
        if post.startswith(word):
            return word
    return "党支部" if unit.unit_type == UnitType.VILLAGE else "党组"


class HistoryBuilder:
    def __init__(self, demo):
        self.demo = demo
        self.rng = random.Random(SEED)
        self.people = demo.people
        self.office = demo.office
        self.users = demo.users
        self.schedules = demo.schedules()
        self.categories = self._categories()
        # Rows to insert, in order, and the history to write for them: (obj, when, user, type, changes).
        self.leads: list[Lead] = []
        self.findings: list[Finding] = []
        self.finding_leads: list[tuple[Finding, Lead]] = []
        self.reviews: list[FindingReview] = []
        self.batches: list[TransferBatch] = []
        self.items: list[TransferItem] = []
        self.persons: list[PersonDealt] = []
        self.rects: list[Rectification] = []
        self.problems: list[Problem] = []
        self.measures: list[Measure] = []
        self.events: list[MeasureEvent] = []
        self.scores: list[TeamScore] = []
        self.accountabilities: list[Accountability] = []
        self.snapshots: dict[type, list] = defaultdict(list)
        self.finding_serials: dict[tuple[int, int], int] = defaultdict(int)  # (team, year) -> last
        self.lead_serials: dict[int, int] = defaultdict(int)  # team -> last
        self.batch_serials: dict[int, int] = {}  # year -> last
        # unit pk -> [(round number, category key, rectification, [(problem, measures)])]
        self.fed_back: dict[int, list] = defaultdict(list)

    def _categories(self) -> dict[str, Category]:
        """The "三个聚焦" sub-categories by key (made the office's way if a test's flush took them)."""
        found = {}
        for i, (area, names) in enumerate(importlib.import_module(TAXONOMY).THREE_FOCUSES, start=1):
            parent = Category.objects.filter(scheme="三个聚焦", parent=None, name=area).first()
            parent = parent or category_save(category=Category(name=area, order=i), by=self.office)
            for j, name in enumerate(names, start=1):
                found[name] = parent.children.filter(name=name).first() or category_save(
                    category=Category(name=name, parent=parent, order=j), by=self.office
                )
        self.area_order = {c.pk: (c.parent.order, c.order) for c in found.values()}
        return {key: found[name] for key, name in CATS.items()}

    def snap(self, obj, when: datetime, user=None, kind: str = "~", **changes) -> None:
        """A history row of `obj` at `when`, as it stood then (its final state with `changes`)."""
        self.snapshots[type(obj)].append((obj, when, user, kind, changes))

    # --- building -------------------------------------------------------------------------------

    def build(self) -> None:
        for number in (1, 2, 3, 4):
            self.build_round(number)
        self.save()

    def build_round(self, number: int) -> None:
        rnd, schedule = self.demo.rounds[number], self.schedules[number]
        assignments = list(
            Assignment.objects.filter(round=rnd).select_related("unit", "team").order_by("team__number", "pk")
        )
        by_team = defaultdict(list)
        for a in assignments:
            by_team[a.team].append(a)
        batch_leads: dict[str, list[Lead]] = defaultdict(list)
        for team, team_assignments in by_team.items():
            profile = PROFILES[(number, team.number)]
            units = len(team_assignments)
            counts = self._spread(int(profile.per_unit * units + 0.5), units)
            findings = {
                a.pk: self.write_findings(a, count, profile, schedule)
                for a, count in zip(team_assignments, counts, strict=True)
            }
            self.review_trails([f for fs in findings.values() for f in fs], profile)
            for lead in self.write_leads(team_assignments, profile, schedule, findings):
                if lead.disposition in RECEIVERS:
                    batch_leads[RECEIVERS[lead.disposition]].append(lead)
            for a in team_assignments:
                self.write_rectification(a, findings[a.pk], profile, schedule)
            self.write_scores(team, team_assignments, profile, schedule)
        for receiver, leads in batch_leads.items():
            self.write_batch(rnd, receiver, leads, schedule)

    def _spread(self, total: int, parts: int) -> list[int]:
        """`total` findings over `parts` units, each at least one, a little uneven."""
        out = [total // parts + (i < total % parts) for i in range(parts)]
        self.rng.shuffle(out)
        for _ in range(parts // 2):
            give, take = self.rng.sample(range(parts), 2) if parts > 1 else (0, 0)
            if out[give] > 1 and give != take:
                out[give] -= 1
                out[take] += 1
        return [max(1, n) for n in out]

    # --- findings -------------------------------------------------------------------------------

    def _pick_categories(self, number: int, unit, count: int) -> list[str]:
        weights = WEIGHTS[number]
        if unit_kind(unit) == "village":
            weights = {k: w for k, w in weights.items() if k in VILLAGE}
        forced = []
        if number == 4:  # 回头看: what was fed back in round 1 comes back, and the rectification itself
            earlier = [key for rnd, key, *_ in self.fed_back[unit.pk] if rnd == 1]
            preferred = [k for k in ("clean", "eight", "assets") if k in earlier] or earlier
            forced = list(dict.fromkeys(["resp"] + preferred[:2]))
        ranked = sorted(weights, key=lambda k: -math.log(self.rng.random()) / weights[k])
        chosen = forced + [k for k in ranked if k not in forced]
        return chosen[: max(count, len(forced))]

    def _text(self, number: int, unit, key: str, before: str, used: set) -> tuple[str, str, str]:
        """What a paper says; `before` is the title of the same category's problem fed back to the unit
        in an earlier round: it came back (反弹)."""
        if number == 4 and key == "resp":
            return LOOKBACK
        kind = unit_kind(unit)
        bank = VILLAGE if kind == "village" else GENERAL
        options = list(bank[key])
        if number == 2 and key in REAL_ESTATE:
            options = REAL_ESTATE[key] + options[:1]
        if before:
            same = [o for o in options + REAL_ESTATE.get(key, []) if o[0] == before] or options
            _, manifestation, basis = self.rng.choice(same)
            return f"{before}问题反弹", "第一轮巡察反馈的该问题整改销号后再次出现：" + manifestation, basis
        options = [o for o in options if o[0] not in used] or options
        return self.rng.choice(options)

    def _values(self, unit, schedule) -> dict:
        k = self.rng.randint(3, 9)
        return dict(
            y=schedule.stationing.year - 1, n=self.rng.randint(6, 25), k=k, j=self.rng.randint(1, k - 1),
            big=self.rng.randint(40, 320), m=round(self.rng.uniform(2, 80), 1), s=self.rng.randint(800, 9800),
            p=self.rng.randint(25, 65), party=party_of(unit),
        )  # fmt: skip

    def write_findings(self, a: Assignment, count: int, profile: Profile, schedule) -> list[Finding]:
        number, unit = a.round.number, a.unit
        keys = self._pick_categories(number, unit, count)
        earlier = {key: problem.title for _, key, _, problem, _ in self.fed_back[unit.pk] if key != "resp"}
        used: set[str] = set()
        findings = []
        onsite_days = (schedule.onsite_end - schedule.stationing).days
        for key in keys:
            title, manifestation, basis = self._text(number, unit, key, earlier.get(key, ""), used)
            used.add(title)
            strong = profile.per_unit >= 4
            severity = self.rng.choices(
                [Severity.GENERAL, Severity.SERIOUS, Severity.GRAVE], [5, 4, 1] if strong else [8, 2, 0]
            )[0]
            fixed = key in ON_SITE and self.rng.random() < 0.35
            written = schedule.stationing + timedelta(days=self.rng.randint(7, onsite_days + 3))
            finding = Finding(
                assignment=a, round_id=a.round_id, unit_id=unit.pk, team_id=a.team_id,
                year=written.year, category=self.categories[key], title=title,
                manifestation=manifestation.format(**self._values(unit, schedule)), basis=basis,
                responsible_persons=f"{unit.principal_name}（{unit.principal_post}，主体责任）",
                severity=severity, is_key=severity != Severity.GENERAL and self.rng.random() < 0.6,
                fixed_on_site=fixed, on_site_action=ON_SITE[key] if fixed else "",
                status=S.APPROVED, created_at=at(written, 16),
            )  # fmt: skip
            self.finding_serials[(a.team_id, written.year)] += 1
            finding.serial = self.finding_serials[(a.team_id, written.year)]
            finding.key, finding.written = key, written
            self.findings.append(finding)
            findings.append(finding)
        return findings

    def review_trails(self, findings: list[Finding], profile: Profile) -> None:
        """The team's share of papers sent back once; of those, a weak team's are often sent back twice."""
        returned = self.rng.sample(findings, int(len(findings) * profile.returned + 0.5))
        twice = returned[: int(len(returned) * profile.returned + 0.5)]
        for finding in findings:
            self.review_trail(finding, (finding in returned) + (finding in twice))

    def review_trail(self, finding: Finding, returns: int) -> None:
        """submit → (return at some step → submit)* → 副组长 → 组长 → 巡察办; one day a step."""
        written = finding.written
        steps = [(R.SUBMIT, S.DRAFT, S.SUBMITTED)]
        chain = [S.SUBMITTED, S.DEPUTY_APPROVED, S.LEADER_APPROVED, S.APPROVED]
        for _ in range(returns):
            stage = self.rng.choices([0, 1, 2], [5, 3, 2])[0]
            steps += [(R.APPROVE, chain[i], chain[i + 1]) for i in range(stage)]
            steps += [(R.RETURN, chain[stage], S.RETURNED), (R.SUBMIT, S.RETURNED, S.SUBMITTED)]
        steps += [(R.APPROVE, chain[i], chain[i + 1]) for i in range(3)]
        day = written
        self.snap(finding, at(written, 16), None, "+", status=S.DRAFT, approved_at=None)
        for action, source, target in steps:
            day += timedelta(days=1)
            office = source == S.LEADER_APPROVED
            self.reviews.append(
                FindingReview(
                    finding=finding, action=action, from_status=source, to_status=target,
                    reason=self.rng.choice(RETURN_REASONS) if action == R.RETURN else "",
                    by=self.office if office else None, at=at(day, 15 if office else 10),
                )
            )  # fmt: skip
        finding.approved_at = at(day, 15)
        self.snap(finding, finding.approved_at, self.office)

    # --- leads and transfers ----------------------------------------------------------------------

    def write_leads(self, assignments, profile: Profile, schedule, findings: dict) -> list[Lead]:
        """The team's leads over its units; the share the profile says is transferred (the second to
        县委组织部, in round 2 the third to 县审计局), of the transfers to 县纪委监委 the profile's share 立案."""
        count = int(profile.leads * len(assignments) + 0.5)
        transfers = int(count * profile.transferred + 0.5)
        order = list(assignments)
        self.rng.shuffle(order)
        leads = []
        for index in range(count):
            a = order[index % len(order)]
            unit, kind = a.unit, unit_kind(a.unit)
            if index < transfers:
                to_zuzhibu = kind != "village" and index == 1
                to_other = kind == "dept" and index == 2 and a.round.number == 2
                if to_zuzhibu:
                    disposition, spec = Disposition.TO_ZUZHIBU, self.rng.choice(ZUZHIBU_LEADS)
                elif to_other:
                    disposition, spec = Disposition.TO_OTHER, OTHER_LEADS[0]
                else:
                    disposition, spec = Disposition.TO_JIWEI, self.rng.choice(JIWEI_LEADS[kind])
                post, rank, leadership = self.rng.choice(POSTS[kind])
            else:
                *spec, disposition = LOCAL_LEADS[
                    (index - transfers + self.rng.randint(0, 4)) % len(LOCAL_LEADS)
                ]
                post, rank, leadership = "", "", False
            summary, content, key = spec
            subject = {}
            if post:
                name = self.people.name()[0]
                full_post = f"{unit.name}{post}"
                subject = dict(
                    subject_name=name, subject_post=full_post, subject_rank=rank,
                    subject_is_principal=False, subject_is_leadership=leadership,
                )  # fmt: skip
            text = dict(post=subject.get("subject_post", ""), unit=unit.name)
            received = schedule.stationing + timedelta(days=self.rng.randint(2, 25))
            channel = self.rng.choice(
                [Channel.LETTER, Channel.PHONE, Channel.VISIT, Channel.INTERVIEW, Channel.DOCUMENTS, Channel.ONLINE]
                if kind != "village" else [Channel.VISIT, Channel.FIELD, Channel.LETTER, Channel.PHONE]
            )  # fmt: skip
            confirmed = at(schedule.onsite_end + timedelta(days=12), 15)
            final = LeadStatus.CLOSED if disposition == Disposition.CLOSE else LeadStatus.CONFIRMED
            if disposition in RECEIVERS:
                final = LeadStatus.TRANSFERRED  # the receiver's result may close it (write_batch)
            self.lead_serials[a.team_id] += 1
            lead = Lead(
                assignment=a, round_id=a.round_id, unit_id=unit.pk, team_id=a.team_id,
                serial=self.lead_serials[a.team_id], channel=channel, received_on=received,
                summary=summary.format(**text), content=content.format(**text), **subject,
                reporter_named=False, scope=ScopeStatus.IN_SCOPE,
                proposed_disposition=disposition, proposed_reason=DISPOSITION_REASONS[disposition],
                disposition=disposition, confirmed_by=self.office, confirmed_at=confirmed, status=final,
                recorded_by=None, created_at=at(received, 10, 30),
            )  # fmt: skip
            lead.key, lead.outcome = key, ""
            self.snap(lead, lead.created_at, None, "+", status=LeadStatus.REGISTERED, disposition="",
                      proposed_disposition="", proposed_reason="", confirmed_by=None, confirmed_at=None)  # fmt: skip
            self.snap(
                lead,
                confirmed,
                self.office,
                status=LeadStatus.CONFIRMED if final != LeadStatus.CLOSED else final,
            )
            if disposition == Disposition.VERIFY:
                matching = [f for f in findings[a.pk] if f.key == key] or findings[a.pk]
                if matching:
                    self.finding_leads.append((matching[0], lead))
            self.leads.append(lead)
            leads.append(lead)
        jiwei = [lead for lead in leads if lead.disposition == Disposition.TO_JIWEI]
        cases = int(len(jiwei) * profile.cases + 0.5)
        for index, lead in enumerate(jiwei):
            lead.outcome = (
                HandlingResult.CASE
                if index < cases
                else self.rng.choice([HandlingResult.TALK] * 2 + [HandlingResult.CLOSE])
            )
        return leads

    def write_batch(self, round, receiver_name: str, leads: list[Lead], schedule) -> None:
        receiver = self.demo.units[receiver_name]
        staff = self.users.get(STAFF.get(receiver_name, ""))
        sent = schedule.onsite_end + timedelta(days=22)
        year = sent.year
        if year not in self.batch_serials:
            self.batch_serials[year] = (
                TransferBatch.objects.filter(year=year).aggregate(n=Max("serial"))["n"] or 0
            )
        self.batch_serials[year] += 1
        batch = TransferBatch(
            receiver=receiver, round=round, year=year, serial=self.batch_serials[year],
            note=f"{round.short_name}巡察发现的问题线索，请依规依纪依法处置并反馈结果。",
            status=TransferStatus.REPORTED, deadline_days=30, deadline=sent + timedelta(days=30),
            sent_at=at(sent, 9, 30), sent_by=self.office, acknowledged_at=at(sent + timedelta(days=1)),
            acknowledged_by=staff, created_by=self.office, created_at=at(sent - timedelta(days=1), 16),
        )  # fmt: skip
        latest = sent
        for lead in leads:
            reported = sent + timedelta(days=self.rng.randint(18, 45))
            latest = max(latest, reported)
            result, persons = self._result(receiver_name, lead)
            item = TransferItem(
                batch=batch, lead=lead, result=result, result_note=self._result_note(result, lead, persons),
                reported_by=staff, reported_at=at(reported, 16),
            )  # fmt: skip
            self.items.append(item)
            for form, sanction, detail in persons:
                self.persons.append(
                    PersonDealt(item=item, name=lead.subject_name, post=lead.subject_post, form=form,
                                sanction=sanction, detail=detail)
                )  # fmt: skip
                self.snap(self.persons[-1], item.reported_at, staff, "+")
            self.snap(item, batch.sent_at, self.office, "+", result="", result_note="", reported_by=None,
                      reported_at=None)  # fmt: skip
            self.snap(item, item.reported_at, staff)
            self.snap(lead, batch.sent_at, self.office, status=LeadStatus.TRANSFERRED)
            if result in (HandlingResult.CASE, HandlingResult.CLOSE):
                lead.status = LeadStatus.CLOSED
                self.snap(lead, item.reported_at, staff)
        batch.reported_at = at(latest, 16)
        self.snap(batch, batch.created_at, self.office, "+", status=TransferStatus.DRAFT, sent_at=None,
                  sent_by=None, deadline=None, acknowledged_at=None, acknowledged_by=None, reported_at=None)  # fmt: skip
        self.snap(batch, batch.sent_at, self.office, status=TransferStatus.SENT, acknowledged_at=None,
                  acknowledged_by=None, reported_at=None)  # fmt: skip
        self.snap(batch, batch.reported_at, staff)
        self.batches.append(batch)

    def _result(self, receiver: str, lead: Lead):
        if receiver == "县纪委监委":
            if lead.outcome == HandlingResult.CASE:
                return HandlingResult.CASE, [self.rng.choices(CASE_FORMS, [2, 2, 2, 3, 2, 1, 1])[0]]
            if lead.outcome == HandlingResult.TALK:
                return HandlingResult.TALK, [self.rng.choice(TALK_FORMS)]
            return HandlingResult.CLOSE, []
        if receiver == "县委组织部":
            if self.rng.random() < 0.7:
                return HandlingResult.TALK, [
                    self.rng.choice([TALK_FORMS[2], (2, Sanction.ORGANIZATIONAL, "免职")])
                ]
            return HandlingResult.CLOSE, []
        return HandlingResult.CLOSE, []

    def _result_note(self, result: str, lead: Lead, persons) -> str:
        if result == HandlingResult.CASE:
            return f"经初步核实，反映问题基本属实，已立案审查调查。经审理，给予{lead.subject_name}{persons[0][2]}处理。"
        if result == HandlingResult.TALK:
            detail = persons[0][2]
            return f"经谈话函询，本人对反映问题作了说明，相关问题已纠正，给予{detail}。"
        if "审计" in lead.summary or "结算" in lead.summary:
            return (
                "经专项审计，结算价款核减38.6万元，已督促建设单位追回多付款项，未发现违纪违法问题，予以了结。"
            )
        return "经初步核实，反映问题不属实或已纠正，不涉及违纪违法，予以了结。"

    # --- rectification ----------------------------------------------------------------------------

    def write_rectification(self, a: Assignment, findings: list[Finding], profile: Profile, schedule) -> None:
        unit, kind = a.unit, unit_kind(a.unit)
        meeting, deadline = schedule.feedback, schedule.rectify_deadline
        closed = deadline + timedelta(days=self.rng.randint(2, 7))
        strong = profile.leadership >= 85
        rating = self.rng.choice(
            [Rating.GOOD, Rating.FAIR_GOOD] if strong else [Rating.FAIR_GOOD, Rating.FAIR]
        )
        if profile.leadership < 72 and self.rng.random() < 0.5:
            rating = Rating.POOR
        party = party_of(unit)
        rect = Rectification(
            assignment=a, round_id=a.round_id, unit_id=unit.pk, team_id=a.team_id, status=RectStatus.CLOSED,
            report_summary=f"{unit.name}{party}能够贯彻落实党中央决策部署和县委工作要求，各项工作取得一定成效。巡察也发现一些问题，需要认真整改。",
            demands=DEFAULT_DEMANDS, deadline=deadline, meeting_date=meeting,
            meeting_place=f"{unit.name}党群服务中心会议室" if kind == "village" else f"{unit.name}会议室",
            meeting_attendees=f"县委{a.team.name}全体成员，县委巡察办、县纪委监委、县委组织部有关同志，{unit.name}领导班子成员",
            meeting_recorded_by=self.office, plan_submitted_at=at(meeting + timedelta(days=10), 16),
            plan_approved_at=at(meeting + timedelta(days=14), 11), plan_approved_by=self.office,
            closed_at=at(closed, 15), rating=rating, rating_note=RATING_NOTES[rating], rated_by=self.office,
            created_by=self.office, created_at=at(schedule.report_five + timedelta(days=3), 10),
        )  # fmt: skip
        blank = dict(status=RectStatus.PREPARING, meeting_date=None, plan_submitted_at=None, plan_approved_at=None,
                     plan_approved_by=None, closed_at=None, rating="", rating_note="", rated_by=None)  # fmt: skip
        self.snap(rect, rect.created_at, self.office, "+", **blank)
        self.snap(
            rect,
            at(meeting, 15),
            self.office,
            **dict(blank, status=RectStatus.PLANNING, meeting_date=meeting),
        )
        self.snap(rect, rect.plan_approved_at, self.office, status=RectStatus.IN_PROGRESS, closed_at=None, rating="",
                  rating_note="", rated_by=None)  # fmt: skip
        self.snap(rect, rect.closed_at, self.office, status=RectStatus.CLOSED, closed_at=rect.closed_at, rating=rating,
                  rating_note=rect.rating_note, rated_by=self.office)  # fmt: skip
        self.rects.append(rect)

        # Fed back: every approved finding, but some minor ones put right on site.
        kept = [
            f
            for f in findings
            if not (f.fixed_on_site and f.severity == Severity.GENERAL and self.rng.random() < 0.4)
        ]
        kept.sort(key=lambda f: (self.area_order[f.category.pk], f.serial))
        leaders = [unit.principal_name] + [self.people.name()[0] for _ in range(2)]
        workers = [self.people.name()[0] for _ in range(3)]
        late_share = 0.0 if strong else (0.5 if profile.leadership < 72 else 0.2)
        for seq, finding in enumerate(kept, start=1):
            problem = Problem(
                rectification=rect, finding=finding, seq=seq, category=finding.category, title=finding.title,
                description=finding.manifestation, fixed_on_site=finding.fixed_on_site,
            )  # fmt: skip
            self.snap(problem, rect.created_at, self.office, "+")
            self.problems.append(problem)
            key = finding.key
            (fix, fix_goal), (rule, rule_goal) = MEASURES[key]
            specs = []
            if finding.fixed_on_site:
                specs.append((MeasureKind.IMMEDIATE, f"立行立改：{ON_SITE[key].removeprefix('巡察期间')}", "立行立改到位",
                              meeting + timedelta(days=15)))  # fmt: skip
            specs.append((MeasureKind.DEADLINE, fix, fix_goal,
                          min(meeting + timedelta(days=self.rng.randint(30, 100)), deadline)))  # fmt: skip
            if finding.severity != Severity.GENERAL or self.rng.random() < 0.4:
                specs.append((MeasureKind.LONG_TERM, rule, rule_goal, deadline))
            measures = []
            for mseq, (mkind, content, goal, due) in enumerate(specs, start=1):
                if mkind == MeasureKind.IMMEDIATE:
                    done = meeting + timedelta(days=self.rng.randint(5, 14))
                elif self.rng.random() < late_share:
                    done = due + timedelta(days=self.rng.randint(3, 25))
                else:
                    done = due - timedelta(days=self.rng.randint(0, 12))
                done = min(max(done, meeting + timedelta(days=5)), closed - timedelta(days=1))
                measure = Measure(
                    problem=problem, rectification=rect, seq=mseq, content=content, goal=goal, deadline=due,
                    kind=mkind, responsible_leader=self.rng.choice(leaders),
                    responsible_branch=BRANCHES[kind][key], responsible_person=self.rng.choice(workers),
                    status=MeasureStatus.CLOSED, closed_at=at(done, 11), closed_by=self.office,
                )  # fmt: skip
                self.snap(measure, at(meeting + timedelta(days=10), 16), None, "+", status=MeasureStatus.OPEN,
                          closed_at=None, closed_by=None, reopen_count=0)  # fmt: skip
                self.close(measure, done)
                if (
                    mkind == MeasureKind.DEADLINE
                    and self.rng.random() < 0.06
                    and done + timedelta(days=30) < closed
                ):
                    again = done + timedelta(days=self.rng.randint(12, 20))
                    self.reopen(measure, done + timedelta(days=10), self.rng.choice(REOPEN_REASONS), again)
                self.measures.append(measure)
                measures.append(measure)
            self.fed_back[unit.pk].append((a.round.number, key, rect, problem, measures))

    def close(self, measure: Measure, day: date) -> None:
        measure.closed_at = at(day, 11)
        self.events.append(
            MeasureEvent(measure=measure, action=MeasureEvent.Action.CLOSE, reason=self.rng.choice(CLOSE_REASONS),
                         by=self.office, at=measure.closed_at)
        )  # fmt: skip
        self.snap(measure, measure.closed_at, self.office, status=MeasureStatus.CLOSED, closed_at=measure.closed_at,
                  closed_by=self.office, reopen_count=measure.reopen_count)  # fmt: skip

    def reopen(self, measure: Measure, day: date, reason: str, closed_again: date) -> None:
        """A closed measure whose problem came back (反弹): reopened, then closed again."""
        measure.reopen_count += 1
        when = at(day, 9, 30)
        self.events.append(
            MeasureEvent(
                measure=measure, action=MeasureEvent.Action.REOPEN, reason=reason, by=self.office, at=when
            )
        )
        self.snap(measure, when, self.office, status=MeasureStatus.OPEN, closed_at=None, closed_by=None,
                  reopen_count=measure.reopen_count)  # fmt: skip
        self.close(measure, closed_again)

    def lookback_relapses(self) -> None:
        """Round 4 reopens a round-1 measure of two of its units whose problem came back; the round-1
        rectification goes back to 整改中 until the measure is closed again, and is rated again."""
        schedule, round4 = self.schedules[4], self.demo.rounds[4]
        for name in ("县民政局", "青山县粮食购销有限公司"):
            unit = self.demo.units[name]
            again = {f.key for f in self.findings if f.unit_id == unit.pk and f.round_id == round4.pk}
            _, _, rect, problem, measures = next(
                e for e in self.fed_back[unit.pk] if e[0] == 1 and e[1] in again
            )
            measure = next(m for m in measures if m.kind == MeasureKind.DEADLINE)
            reopened = schedule.stationing + timedelta(days=10)
            self.reopen(
                measure, reopened, RELAPSE_REASON.format(round=cn_number(4)), reopened + timedelta(days=45)
            )
            self.snap(rect, at(reopened, 9, 30), self.office, status=RectStatus.IN_PROGRESS, closed_at=None,
                      rating="", rating_note="", rated_by=None)  # fmt: skip
            rect.closed_at = measure.closed_at + timedelta(hours=4)
            rect.rating, rect.rating_note = (
                Rating.FAIR,
                "“回头看”发现问题反弹，经督促重新整改到位，长效机制仍需巩固。",
            )
            self.snap(rect, rect.closed_at, self.office)
            decided = reopened + timedelta(days=20)
            accountability = Accountability(
                rectification=rect, target=Accountability.Target.PERSON, target_name=measure.responsible_leader,
                target_post=f"{unit.name}分管负责同志", reason=AccountabilityReason.INEFFECTIVE,
                facts=f"第一轮巡察反馈的“{problem.title}”问题整改销号后再次出现，整改不彻底。",
                action="诫勉谈话", decided_on=decided, recorded_by=self.office, recorded_at=at(decided, 16),
            )  # fmt: skip
            self.snap(accountability, accountability.recorded_at, self.office, "+")
            self.accountabilities.append(accountability)

    # --- scores -----------------------------------------------------------------------------------

    def write_scores(self, team, assignments, profile: Profile, schedule) -> None:
        when = at(schedule.rectify_deadline + timedelta(days=9), 10)
        rows = [
            TeamScore(
                team=team, source=ScoreSource.LEADERSHIP, score=Decimal(profile.leadership), note=profile.note
            ),
            TeamScore(team=team, source=ScoreSource.OFFICE, score=Decimal(profile.office), note=profile.note),
        ]
        for a in assignments:
            score = min(100, max(60, profile.unit + self.rng.randint(-4, 4)))
            note = (
                "巡察组工作作风严谨，沟通顺畅，反馈问题客观准确。"
                if score >= 85
                else "巡察组工作总体规范，个别问题沟通不够充分。"
            )
            rows.append(
                TeamScore(team=team, source=ScoreSource.UNIT, unit=a.unit, score=Decimal(score), note=note)
            )
        for row in rows:
            row.scored_by, row.scored_at = self.office, when
            self.snap(row, when, self.office, "+")
        self.scores += rows

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        self.lookback_relapses()
        with stamped(
            (Lead, "created_at"),
            (Finding, "created_at"),
            (FindingReview, "at"),
            (TransferBatch, "created_at"),
            (Rectification, "created_at"),
            (MeasureEvent, "at"),
            (TeamScore, "scored_at"),
            (Accountability, "recorded_at"),
        ):
            for model, rows in (
                (Lead, self.leads), (Finding, self.findings), (FindingReview, self.reviews),
                (TransferBatch, self.batches), (TransferItem, self.items), (PersonDealt, self.persons),
                (Rectification, self.rects), (Problem, self.problems), (Measure, self.measures),
                (MeasureEvent, self.events), (TeamScore, self.scores), (Accountability, self.accountabilities),
            ):  # fmt: skip
                model.objects.bulk_create(rows, batch_size=500)
        Finding.leads.through.objects.bulk_create(
            [Finding.leads.through(finding_id=f.pk, lead_id=lead.pk) for f, lead in self.finding_leads]
        )
        for batch in self.batches:
            access.grants.sync_batch(batch)
        self.write_history()

    def write_history(self) -> None:
        for model, snapshots in self.snapshots.items():
            by_kind = defaultdict(list)
            for obj, when, user, kind, changes in snapshots:
                state = copy.copy(obj)
                for name, value in changes.items():  # by attname: a copy shares the field cache
                    setattr(state, model._meta.get_field(name).attname, getattr(value, "pk", value))
                state._history_date = when
                if user is not None:
                    state._history_user = user
                by_kind[kind].append(state)
            for kind, states in by_kind.items():
                model.history.bulk_history_create(states, update=kind == "~", batch_size=500)


def build_history(demo) -> None:
    """Add the history of rounds 1–4 to the county `demo` (built, with its clues and rectification)."""
    HistoryBuilder(demo).build()
