"""The fixed part of the demo county 青山县: unit lists, the cadre pool, the round plans, the accounts.

Everything here is fictional. `demo/county.py` turns it into database rows through the services.
"""

import random

COUNTY = "青山县"
AREA_CODE = "0749"
TERM_NAME = "第十五届县委"
ANNOUNCEMENT_EMAIL = "qsxc{team}@qingshan.example"
ANNOUNCEMENT_MAILBOX = "青山县邮政{round}0{team}号信箱"
USER_EMAIL = "{username}@qingshan.example"

# --- units ----------------------------------------------------------------------------------------

# 县直部门: (name, principal's post). Party and government bodies sit in the 行政中心.
DEPARTMENTS = [
    ("县委办公室", "县委常委、办公室主任"),
    ("县人大常委会办公室", "党组成员、办公室主任"),
    ("县政府办公室", "党组书记、主任"),
    ("县政协办公室", "党组成员、办公室主任"),
    ("县纪委监委", "县委常委、县纪委书记、县监委主任"),
    ("县委组织部", "县委常委、组织部部长"),
    ("县委宣传部", "县委常委、宣传部部长"),
    ("县委统战部", "县委常委、统战部部长"),
    ("县委政法委", "县委常委、政法委书记"),
    ("县委编办", "主任"),
    ("县发展和改革局", "党组书记、局长"),
    ("县教育局", "党组书记、局长"),
    ("县科技和工业信息化局", "党组书记、局长"),
    ("县公安局", "党委书记、局长"),
    ("县民政局", "党组书记、局长"),
    ("县司法局", "党组书记、局长"),
    ("县财政局", "党组书记、局长"),
    ("县人社局", "党组书记、局长"),
    ("县自然资源局", "党组书记、局长"),
    ("县住建局", "党组书记、局长"),
    ("县交通运输局", "党组书记、局长"),
    ("县水利局", "党组书记、局长"),
    ("县农业农村局", "党组书记、局长"),
    ("县商务局", "党组书记、局长"),
    ("县文化旅游广电体育局", "党组书记、局长"),
    ("县卫健委", "党组书记、主任"),
    ("县退役军人事务局", "党组书记、局长"),
    ("县应急管理局", "党组书记、局长"),
    ("县审计局", "党组书记、局长"),
    ("县市场监管局", "党组书记、局长"),
    ("县统计局", "党组书记、局长"),
    ("县医疗保障局", "党组书记、局长"),
    ("县林业局", "党组书记、局长"),
    ("县城管局", "党组书记、局长"),
    ("县信访局", "党组书记、局长"),
    ("县行政审批服务局", "党组书记、局长"),
    ("县检察院", "党组书记、检察长"),
    ("县法院", "党组书记、院长"),
    ("县总工会", "党组书记、常务副主席"),
    ("团县委", "书记"),
    ("县妇联", "党组书记、主席"),
    ("县供销社", "党组书记、主任"),
]
ADMIN_CENTRE = {
    "县委办公室", "县人大常委会办公室", "县政府办公室", "县政协办公室", "县纪委监委", "县委组织部",
    "县委宣传部", "县委统战部", "县委政法委", "县委编办",
}  # fmt: skip

# 事业单位: (name, parent department or None, principal's post)
INSTITUTIONS = [
    ("县不动产登记中心", "县自然资源局", "党支部书记、主任"),
    ("县国库集中支付中心", "县财政局", "党支部书记、主任"),
    ("县人民医院", "县卫健委", "党委书记"),
    ("县中医医院", "县卫健委", "党委书记、院长"),
    ("县疾病预防控制中心", "县卫健委", "党支部书记、主任"),
    ("县第一中学", "县教育局", "党委书记、校长"),
    ("县社会保险服务中心", "县人社局", "党支部书记、主任"),
    ("县住房公积金管理中心", None, "党支部书记、主任"),
    ("县融媒体中心", "县委宣传部", "党委书记、主任"),
]

# 国有企业: (name, principal's post)
SOES = [
    ("青山县城市建设投资集团有限公司", "党委书记、董事长"),
    ("青山县交通建设投资有限公司", "党支部书记、董事长"),
    ("青山县水务投资有限公司", "党支部书记、董事长"),
    ("青山县国有资产经营有限公司", "党委书记、董事长"),
    ("青山县农业发展投资有限公司", "党支部书记、董事长"),
    ("青山县文化旅游投资开发有限公司", "党支部书记、董事长"),
    ("青山县工业园区开发建设有限公司", "党支部书记、董事长"),
    ("青山县粮食购销有限公司", "党支部书记、总经理"),
    ("青山县公共交通有限公司", "党支部书记、总经理"),
    ("青山县融资担保有限公司", "党支部书记、董事长"),
    ("青山县房地产开发有限公司", "党支部书记、总经理"),
    ("青山县林业开发有限公司", "党支部书记、总经理"),
    ("青山县保安服务有限公司", "党支部书记、总经理"),
    ("青山县矿产资源开发有限公司", "党支部书记、董事长"),
    ("青山县供销农资有限公司", "党支部书记、总经理"),
]

TOWNSHIPS = ["城关镇", "石桥镇", "龙泉镇", "白沙镇", "枫林镇", "清溪镇", "柳塘镇", "太平镇", "桃源乡", "金鸡乡", "马鞍乡", "松坪乡"]  # fmt: skip
TOWNSHIP_POST = "党委书记"

# The county seat's township is mostly communities; every other township has one community at its seat.
CHENGGUAN_COMMUNITIES = ["东门", "西街", "南关", "北门", "新华", "解放", "文昌", "府前"]
CHENGGUAN_VILLAGES = ["城东", "城南", "五里", "七里"]
VILLAGE_NAMES = (
    "柳溪 杨家 枫树 大坪 长岭 双河 新桥 高峰 花园 金竹 石门 响水 塘湾 白果 黄泥 板桥 茶园 竹山 梅子 泉水 "
    "新民 和平 永丰 东升 红星 光明 团结 胜利 联合 三合 七星 九龙 马家 李家 王家 张家 刘家 陈家 周家 上坪 "
    "下湾 中和 龙潭 鹿鸣 凤凰 桂花 荷塘 莲花 青龙 白鹤 乌石 沙坪 樟树 桐木 杉木 松柏 桃李 杏林 石板 井头 "
    "坳上 岭下 田心 水口 河口 洲上 湾里 桥头 塘边 新塘 牛角 狮子 象山 宝塔 兴隆 太和 长乐 安宁 福田 荣华 "
    "富民 建新 民主 先锋 前进 向阳"
).split()
VILLAGE_POST = "党支部书记、村委会主任"
COMMUNITY_POST = "党总支书记、居委会主任"

ROADS = ["青山大道", "人民路", "解放路", "建设路", "文化路", "新华路", "迎宾大道", "滨江路", "五一路", "和平路", "工业大道"]  # fmt: skip

# --- people ---------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万覃武戴孔向汤"
)
MALE_GIVEN = (
    "建国 建华 志强 国平 海涛 军 伟 勇 斌 磊 涛 超 鹏 浩 杰 明 辉 强 刚 平 波 宏伟 晓东 晓明 卫东 红军 立新 "
    "文斌 新民 德明 永红 世杰 国庆 建军 爱民 春生 光辉 俊杰 宇航 泽宇 志远 文博 思远 建平 长青 正阳 学文 "
    "保华 海波 庆丰 云飞 小龙 亮 锋 凯 俊 毅 峰"
).split()
FEMALE_GIVEN = (
    "敏 静 丽 艳 芳 娟 霞 燕 玲 婷 雪 琳 慧 红梅 秀英 桂兰 晓燕 海燕 春梅 美玲 小红 玉兰 文静 雅琴 思琪 "
    "雨婷 佳怡 欣怡 梦瑶 淑华 丽娟 颖 倩 蓉 洁 露 彩霞 凤英 晓红 新华"
).split()
MOBILE_PREFIXES = "133 135 137 138 139 150 151 152 158 159 173 177 180 181 182 186 187 189 199".split()

# Login accounts: username -> (name, roles). Role values are the group names of xuncha.accounts.roles.Role.
# The team and unit accounts belong to a cadre / a unit; see CADRE_ACCOUNTS and UNIT_ACCOUNTS.
ACCOUNTS = {
    "office": ("周敏", ["巡察办"]),
    "office2": ("李晓雯", ["巡察办"]),
    "leader": ("陈国强", ["领导"]),
    "jiwei": ("孙立军", ["纪委监委"]),
    "zuzhibu": ("郑慧", ["组织部"]),
    "xinfang": ("蒋文涛", ["职能部门"]),
    "zuzhang1": ("刘振华", ["巡察组"]),
    "zuyuan1": ("赵静", ["巡察组"]),
    "zuyuan2": ("黄磊", ["巡察组"]),
    "unit1": ("吴志刚", ["被巡察单位"]),
    "unit1lx": ("何丽萍", ["被巡察单位"]),
    # 三员分立: accounts and configuration, roles and grants, the audit log; none sees business data.
    "sysadmin": ("钱学斌", ["系统管理员"]),
    "secadmin": ("冯雅琴", ["安全保密管理员"]),
    "auditor": ("卫建国", ["安全审计员"]),
}
# Where each account's person works (工作单位): the account pickers show 姓名（单位）. The team cadres'
# accounts take their home unit from the cadre pool.
ACCOUNT_ORGANIZATIONS = {
    "office": "县委巡察办", "office2": "县委巡察办", "leader": "县委", "jiwei": "县纪委监委",
    "zuzhibu": "县委组织部", "xinfang": "县信访局", "unit1": "县农业农村局", "unit1lx": "县农业农村局",
    "sysadmin": "县委巡察办", "secadmin": "县委巡察办", "auditor": "县委巡察办",
}
# The unit whose principal and liaison log in (inspected in round 5, now rectifying).
UNIT_ACCOUNTS = {"unit": "县农业农村局", "principal": "unit1", "liaison": "unit1lx"}

# --- the cadre pool -------------------------------------------------------------------------------

# home unit -> (specialty, [(post, level)]). Level: S can lead a team, M can be deputy, J is a member.
CADRE_POOL = {
    "县纪委监委": ("纪检监察", [
        ("第一纪检监察室主任", "S"), ("第二纪检监察室主任", "S"), ("第三纪检监察室主任", "S"),
        ("党风政风监督室主任", "S"), ("案件审理室副主任", "M"), ("信访室副主任", "M"),
        ("第四纪检监察室副主任", "M"), ("一级主任科员", "J"), ("二级主任科员", "J"), ("一级科员", "J"),
        ("一级科员", "J"), ("二级科员", "J"), ("二级科员", "J"),
    ]),
    "县委组织部": ("组织人事", [
        ("副部长", "S"), ("干部监督股股长", "S"), ("组织股股长", "S"), ("干部股副股长", "M"),
        ("人才股副股长", "M"), ("一级科员", "J"), ("一级科员", "J"), ("一级科员", "J"),
        ("四级主任科员", "J"), ("二级科员", "J"),
    ]),
    "县财政局": ("财务审计", [
        ("副局长", "S"), ("预算股股长", "M"), ("会计核算中心主任", "M"), ("国资股股长", "M"),
        ("一级主任科员", "J"), ("一级科员", "J"), ("一级科员", "J"), ("二级科员", "J"), ("二级科员", "J"),
    ]),
    "县审计局": ("财务审计", [
        ("副局长", "S"), ("经济责任审计股股长", "S"), ("财政金融审计股股长", "M"),
        ("固定资产投资审计股副股长", "M"), ("一级科员", "J"), ("一级科员", "J"), ("二级主任科员", "J"),
        ("四级主任科员", "J"), ("二级科员", "J"), ("二级科员", "J"),
    ]),
    "县住建局": ("工程项目", [("工程质量安全监督站站长", "M"), ("一级科员", "J"), ("二级主任科员", "J")]),
    "县委办公室": ("文字综合", [("副主任", "S"), ("综合股股长", "M"), ("一级科员", "J")]),
    "县检察院": ("法律", [("第二检察部副主任", "M"), ("检察官助理", "J"), ("检察官助理", "J")]),
    "县司法局": ("法律", [("法律事务股股长", "M"), ("一级科员", "J")]),
    "县信访局": ("信访接待", [("督查股股长", "M"), ("一级科员", "J")]),
    "县公安局": ("法律", [("经侦大队副大队长", "M"), ("一级警长", "J"), ("二级警长", "J")]),
    "县统计局": ("统计分析", [("统计股副股长", "M"), ("一级科员", "J")]),
}  # fmt: skip
# Cadres with a login: username -> (home unit, post, gender). Each takes that post's slot in CADRE_POOL.
CADRE_ACCOUNTS = {
    "zuzhang1": ("县纪委监委", "第三纪检监察室主任", "男"),
    "zuyuan1": ("县审计局", "一级科员", "女"),
    "zuyuan2": ("县财政局", "一级科员", "男"),
}
UNAVAILABLE_NOTES = ["借调市纪委监委工作", "病休", "在省委党校参加中青班学习", "驻村帮扶工作队队员"]

LEADER_DUTY = "主持巡察组全面工作，负责与被巡察单位主要负责人沟通，审定巡察报告和问题底稿"
DEPUTY_DUTY = "协助组长工作，负责个别谈话安排、问题线索管理和信访件分办"
MEMBER_DUTIES = {
    "纪检监察": "负责个别谈话和信访受理，梳理问题线索",
    "组织人事": "负责选人用人和基层党组织建设检查，查阅干部档案",
    "财务审计": "负责查阅财务账目和资金资产资料，核查资金使用",
    "工程项目": "负责工程项目招投标和建设资料核查，开展实地走访",
    "法律": "负责涉法涉诉信访甄别和执法资料查阅",
    "文字综合": "负责巡察日志、会议记录和巡察报告起草",
    "信访接待": "负责来信来访登记、信访件分类和转办",
    "统计分析": "负责数据比对分析和问题底稿整理",
}
VILLAGE_FINANCE_DUTY = "负责村级“三资”管理、惠农资金和低保资金核查"

# --- rounds ---------------------------------------------------------------------------------------

# A team's unit list holds unit names, ("villages", township, n): n villages of that township
# inspected 提级, or ("extended", township): one village of it inspected 延伸 with its township.
ROUNDS = [
    {
        "number": 1, "kind": "regular", "stage": "done", "onsite_days": 42,
        "plan_note": "对部分县直部门和国有企业开展常规巡察，聚焦“三个聚焦”，重点检查物资采购、干部选拔任用、行政审批和行政执法。",
        "teams": [
            ["县发展和改革局", "县教育局", "县民政局", "青山县国有资产经营有限公司"],
            ["县财政局", "县人社局", "县医疗保障局", "县统计局"],
            ["县交通运输局", "县水利局", "县林业局", "青山县粮食购销有限公司"],
            ["县商务局", "县市场监管局", "县应急管理局", "青山县公共交通有限公司"],
            ["县退役军人事务局", "县文化旅游广电体育局", "县行政审批服务局", "青山县保安服务有限公司"],
        ],
    },
    {
        "number": 2, "kind": "special", "theme": "房地产领域", "stage": "done", "onsite_days": 35,
        "plan_note": "围绕房地产领域开展专项巡察，重点检查土地出让、规划调整、工程建设、不动产登记和住房保障等环节的权力运行。",
        "teams": [
            ["县住建局", "县住房公积金管理中心", "青山县房地产开发有限公司"],
            ["县自然资源局", "县不动产登记中心", "青山县工业园区开发建设有限公司"],
            ["县城管局", "青山县城市建设投资集团有限公司"],
        ],
    },
    {
        "number": 3, "kind": "elevated", "stage": "done", "onsite_days": 30,
        "plan_note": "由县委巡察组对部分村（社区）开展提级巡察，重点检查村级“三资”管理、惠农资金、低保和危房改造等群众身边问题。",
        "teams": [[("villages", t, 4)] for t in ["白沙镇", "枫林镇", "桃源乡", "金鸡乡", "松坪乡"]],
    },
    {
        "number": 4, "kind": "lookback", "revisit_of": 1, "stage": "done", "onsite_days": 21,
        "plan_note": "对第一轮巡察的部分单位开展“回头看”，检查反馈问题整改落实情况，防止问题变异反弹。",
        "teams": [["县财政局", "县民政局"], ["县医疗保障局", "青山县粮食购销有限公司"]],
    },
    {
        "number": 5, "kind": "regular", "stage": "rectifying", "onsite_days": 42,
        "plan_note": "对5个乡镇及部分县直部门、国有企业和事业单位开展常规巡察，乡镇巡察延伸至部分村。",
        "teams": [
            ["石桥镇", ("extended", "石桥镇"), "县农业农村局", "县供销社", "青山县供销农资有限公司"],
            ["龙泉镇", "县卫健委", "县人民医院", "县中医医院"],
            ["白沙镇", "县委宣传部", "县融媒体中心", "县委统战部"],
            ["枫林镇", ("extended", "枫林镇"), "县科技和工业信息化局", "青山县水务投资有限公司", "青山县交通建设投资有限公司"],
            ["清溪镇", "县司法局", "县总工会", "团县委", "县妇联"],
        ],
    },
    {
        "number": 6, "kind": "regular", "stage": "stationed", "onsite_days": 38,
        "plan_note": "对6个乡镇、城关镇及政法系统、人大政协机关等单位开展常规巡察，7个巡察组同步进驻。",
        "teams": [
            ["柳塘镇", "县委政法委", "县信访局", "青山县融资担保有限公司"],
            ["太平镇", "县公安局", "县检察院"],
            ["桃源乡", "县法院", "县委编办", "青山县文化旅游投资开发有限公司"],
            ["金鸡乡", "县疾病预防控制中心", "县社会保险服务中心", "青山县农业发展投资有限公司"],
            ["马鞍乡", "县政府办公室", "县政协办公室"],
            ["松坪乡", "县人大常委会办公室", "青山县林业开发有限公司"],
            ["城关镇", "县第一中学", "县国库集中支付中心", "青山县矿产资源开发有限公司"],
        ],
    },
    {
        "number": 7, "kind": "regular", "stage": "preparing", "onsite_days": 40,
        "plan_note": "拟对县审计局、县委办公室等单位开展常规巡察，巡察组正在组建。",
        "teams": [["县审计局", "县委办公室"], []],
        # Partly formed: the first team has a leader, a deputy and one member; the second only a leader.
        "staffing": [("leader", "deputy", "member"), ("leader",)],
    },
]  # fmt: skip

# Accounts placed on a team: (round number, team number) -> {role: [username, ...]}.
PINNED_MEMBERS = {
    (6, 1): {"leader": ["zuzhang1"], "member": ["zuyuan1"]},
    (6, 2): {"member": ["zuyuan2"]},
}


class People:
    """Unique Chinese names and plausible phone numbers, all from one seeded generator."""

    def __init__(self, rng: random.Random, reserved):
        self.rng = rng
        self.used = set(reserved)

    def name(self, gender: str | None = None) -> tuple[str, str]:
        gender = gender or self.rng.choice(["男", "男", "女"])
        given = MALE_GIVEN if gender == "男" else FEMALE_GIVEN
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(given)
            if name not in self.used:
                self.used.add(name)
                return name, gender

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99999999):08d}"

    def landline(self) -> str:
        return f"{AREA_CODE}-8{self.rng.randint(200000, 899999)}"
