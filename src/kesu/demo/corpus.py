"""Text corpus for Kesu demo data: complaints, customers and timeline notes for "华启优选".

华启优选 is a fictional omni-channel retailer (online shop, app, physical stores) that also runs a
consumer-finance line: the co-branded credit card 华启联名卡 and the instalment service 华启分期.
Complaints therefore span retail, e-commerce, logistics and finance.

Everything here is standard library only and deterministic for a given ``random.Random``: the
generators draw every choice from the instance they are given and never iterate over sets.

Complaint texts are built compositionally.  Each category has eight or more *scenario families*; a
family owns its narrative bodies plus titles, optional detail sentences, investigation findings,
resolutions and cross-department tasks, written as ``str.format`` templates (a "02|" prefix ties a
template to bodies 0 and 2 so that title, story and finding agree).  Around the story the generator
adds an opening and closing that suit the channel, the customer's history with the case, emotion
graded by severity, and the demand.  Slots (``{item}``, ``{d0}``, ``{order}``
...) are filled lazily by :class:`_Slots`, so a template only pays for the slots it uses and a slot
used twice in one complaint (title, description, root cause) keeps one value.  The narrative voice
depends on the channel: web/app/email are the customer's own words ("我"), phone/visit/letter/api are
the handler's summary ("客户来电反映，…"), social is a handler preface quoting the customer's post.

All user-visible text is Simplified Chinese and was written for this module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "CATEGORIES",
    "CATEGORY_WEIGHTS",
    "CHANNELS",
    "COMPENSATION_TYPES",
    "DEFAULT_TODAY",
    "DEMANDS",
    "DEPARTMENTS",
    "RESPONSIBILITIES",
    "SEVERITIES",
    "SEVERITY_BANDS",
    "SPECIAL_GROUPS",
    "TIERS",
    "ComplaintText",
    "approval_reason",
    "complaint_text",
    "customer",
    "follow_up_comment",
    "handler_note",
]

# --------------------------------------------------------------------------------------------------
# Public vocabularies
# --------------------------------------------------------------------------------------------------

CATEGORIES: list[tuple[str, str]] = [
    ("promise_broken", "服务承诺未兑现"),
    ("technical_error", "专业技术失误"),
    ("attitude", "服务态度争议"),
    ("special_needs", "特殊需求"),
    ("product_quality", "产品质量"),
    ("logistics", "物流配送"),
    ("refund_return", "退款退货"),
    ("privacy", "隐私与数据安全"),
    ("safety", "人身财产安全"),
    ("other", "其他"),
]

# The training material puts 服务承诺未兑现 at 43 % of all complaints when only the four classic
# scenarios are counted.  Here part of that share is split out into the retail-specific categories
# (quality, logistics, refunds), so promise_broken stays the single largest bucket.
CATEGORY_WEIGHTS: dict[str, float] = {
    "promise_broken": 0.30,
    "technical_error": 0.14,
    "attitude": 0.12,
    "special_needs": 0.05,
    "product_quality": 0.12,
    "logistics": 0.10,
    "refund_return": 0.09,
    "privacy": 0.03,
    "safety": 0.02,
    "other": 0.03,
}

SEVERITIES = ("low", "medium", "high", "critical")
CHANNELS = ("phone", "web", "email", "visit", "letter", "app", "social", "api")
DEMANDS = (
    "refund",
    "replacement",
    "repair",
    "compensation",
    "apology",
    "explanation",
    "punish_staff",
    "cancel",
)
RESPONSIBILITIES = ("staff", "product", "logistics_partner", "customer", "third_party", "undetermined")
COMPENSATION_TYPES = (
    "voucher",
    "points",
    "refund",
    "replacement",
    "fee_waiver",
    "written_apology",
    "value_added",
)
DEPARTMENTS = ("legal", "quality", "logistics", "tech", "finance", "store_ops", "product")
TIERS = ("regular", "silver", "gold", "platinum", "diamond")
SPECIAL_GROUPS = ("", "elderly", "disabled")

# Whole-yuan bands for one compensation item, by severity (written apologies are 0).
SEVERITY_BANDS: dict[str, tuple[int, int]] = {
    "low": (0, 50),
    "medium": (20, 300),
    "high": (200, 3000),
    "critical": (1000, 20000),
}

# Dates in the texts fall within the twelve months before this day unless the caller passes `today`.
DEFAULT_TODAY = date(2026, 11, 20)


@dataclass(frozen=True)
class ComplaintText:
    category: str
    severity: str
    title: str
    description: str
    product: str
    order_ref: str
    demand: str
    root_cause: str
    responsibility: str
    resolution: str
    compensation: list[tuple[str, int]] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    task_titles: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Goods, places and people that slots draw from
# --------------------------------------------------------------------------------------------------

# (full name, short name used in titles, lowest price, highest price) — brands are invented.
_GOODS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    "appliance": (
        ("澜川1.5匹一级能效变频空调", "空调", 2399, 4599),
        ("澜川3匹立式空调柜机", "柜机", 5299, 8999),
        ("沐岚10公斤滚筒洗衣机", "洗衣机", 1799, 3999),
        ("沐岚十字对开门冰箱", "冰箱", 3299, 7999),
        ("知禾IH电饭煲", "电饭煲", 299, 999),
        ("知禾空气炸锅", "空气炸锅", 199, 599),
        ("云栖扫地机器人", "扫地机器人", 1299, 3999),
        ("沐岚60升电热水器", "热水器", 1099, 2999),
        ("澜川侧吸式油烟机", "油烟机", 1599, 4299),
        ("知禾嵌入式洗碗机", "洗碗机", 2999, 5999),
        ("青屿65英寸4K智能电视", "电视", 2999, 6999),
        ("知禾破壁料理机", "破壁机", 399, 1299),
        ("云栖厨下净水器", "净水器", 1299, 3999),
        ("知禾油汀电暖器", "电暖器", 199, 699),
    ),
    "digital": (
        ("青屿X30 Pro手机 256G", "手机", 3299, 6999),
        ("青屿Note 12手机", "手机", 1299, 2499),
        ("青屿11英寸平板电脑", "平板", 1999, 3999),
        ("声隅降噪蓝牙耳机", "耳机", 299, 1299),
        ("青屿运动智能手表", "手表", 699, 1999),
        ("星衡14英寸轻薄笔记本", "笔记本", 4299, 7999),
        ("青屿儿童电话手表", "电话手表", 399, 999),
    ),
    "fresh": (
        ("智利车厘子礼盒 5斤装", "车厘子", 199, 499),
        ("大闸蟹礼盒 8只装", "大闸蟹", 298, 898),
        ("原切西冷牛排 10片装", "牛排", 159, 399),
        ("冰鲜三文鱼中段", "三文鱼", 89, 269),
        ("有机蔬菜周配箱", "蔬菜箱", 69, 199),
        ("巴氏鲜牛奶月卡", "鲜奶月卡", 139, 299),
        ("红颜草莓 3斤装", "草莓", 79, 199),
        ("五常稻花香大米 10kg", "大米", 89, 199),
        ("散养土鸡蛋 60枚", "鸡蛋", 59, 129),
    ),
    "baby": (
        ("启贝3段婴幼儿配方奶粉 800g×6罐", "奶粉", 1099, 1899),
        ("柔芯婴儿纸尿裤 L码4包", "纸尿裤", 199, 459),
        ("启贝高景观婴儿推车", "婴儿推车", 999, 3299),
        ("安行儿童安全座椅", "安全座椅", 1299, 3599),
        ("启贝婴儿辅食机", "辅食机", 299, 699),
        ("启贝恒温调奶器", "调奶器", 199, 499),
    ),
    "apparel": (
        ("北境长款鹅绒羽绒服", "羽绒服", 899, 2499),
        ("禾衣双面羊绒大衣", "羊绒大衣", 1299, 3999),
        ("疾风缓震跑步鞋", "跑鞋", 399, 999),
        ("禾衣真丝连衣裙", "连衣裙", 499, 1299),
        ("北境三合一冲锋衣", "冲锋衣", 599, 1699),
        ("禾衣纯棉免烫衬衫", "衬衫", 159, 399),
        ("北境儿童羽绒服", "儿童羽绒服", 399, 899),
    ),
    "home": (
        ("眠川天然乳胶床垫 1.8米", "床垫", 2499, 6999),
        ("木屿黑胡桃实木餐桌", "餐桌", 3999, 9999),
        ("木屿科技布三人沙发", "沙发", 2999, 7999),
        ("眠川长绒棉四件套", "四件套", 399, 1299),
        ("云栖电动晾衣架", "晾衣架", 899, 2499),
        ("云栖智能马桶盖", "马桶盖", 1299, 2999),
        ("木屿儿童学习桌椅套装", "学习桌", 1299, 2999),
        ("木屿五斗收纳柜", "收纳柜", 899, 1999),
    ),
    "formula": (
        ("启贝3段婴幼儿配方奶粉 800g×6罐", "奶粉", 1099, 1899),
        ("启贝1段婴儿配方奶粉 800g", "奶粉", 239, 368),
        ("启贝4段儿童羊奶粉 800g", "羊奶粉", 259, 399),
        ("启贝婴儿有机米粉 6罐装", "米粉", 199, 329),
    ),
    "toys": (
        ("乐芽磁力片积木 100片", "磁力片", 99, 299),
        ("乐芽遥控越野车", "遥控车", 159, 459),
        ("乐芽毛绒公仔", "毛绒玩具", 59, 199),
        ("乐芽宝宝摇铃套装", "摇铃", 49, 129),
        ("乐芽过家家厨房玩具", "厨房玩具", 129, 359),
    ),
    "food": (
        ("华启精选每日坚果礼盒", "坚果礼盒", 99, 299),
        ("广式月饼礼盒", "月饼礼盒", 168, 498),
        ("进口全脂纯牛奶 整箱", "纯牛奶", 69, 139),
        ("儿童奶酪棒 家庭装", "奶酪棒", 39, 99),
        ("手工速冻水饺 家庭装", "速冻水饺", 29, 69),
        ("全麦吐司面包", "吐司", 15, 39),
        ("麻辣牛肉干", "牛肉干", 39, 99),
    ),
    "finance": (
        ("华启分期", "分期", 3000, 30000),
        ("华启联名信用卡", "联名卡", 5000, 50000),
        ("华启现金分期", "现金分期", 5000, 50000),
    ),
    "service": (
        ("华启PLUS会员年卡", "PLUS会员", 99, 299),
        ("家电三年延保服务", "延保服务", 199, 699),
        ("家电深度清洗服务", "清洗服务", 99, 399),
        ("华启优选储值卡", "储值卡", 500, 5000),
    ),
}

# (city, branch): the store is rendered as "华启优选{city}{branch}店".
_STORES = (
    ("杭州", "西溪"),
    ("杭州", "滨江"),
    ("上海", "五角场"),
    ("上海", "七宝"),
    ("上海", "徐家汇"),
    ("北京", "望京"),
    ("北京", "回龙观"),
    ("北京", "西单"),
    ("南京", "新街口"),
    ("南京", "河西"),
    ("成都", "春熙路"),
    ("成都", "高新"),
    ("武汉", "光谷"),
    ("武汉", "汉街"),
    ("广州", "天河"),
    ("广州", "番禺"),
    ("深圳", "南山"),
    ("深圳", "龙华"),
    ("西安", "小寨"),
    ("长沙", "五一广场"),
    ("郑州", "二七"),
    ("苏州", "观前街"),
    ("苏州", "园区"),
    ("重庆", "解放碑"),
    ("重庆", "观音桥"),
    ("天津", "滨江道"),
    ("青岛", "台东"),
    ("合肥", "淮河路"),
    ("厦门", "中山路"),
    ("宁波", "天一"),
    ("济南", "泉城路"),
    ("昆明", "南屏街"),
    ("无锡", "崇安寺"),
    ("福州", "东街口"),
    ("沈阳", "中街"),
)

# Fictional couriers and delivery partners.
_COURIERS = (
    "捷达速运",
    "顺通快递",
    "迅邦物流",
    "宇捷快运",
    "安达同城配送",
    "华启自营物流",
    "鸿远快递",
    "中驿速递",
    "安迅冷链",
    "迅邦大件",
)

_STAFF = (
    "一位男店员",
    "收银台的一位女员工",
    "一位戴眼镜的导购",
    "值班经理",
    "家电区的导购",
    "一位年纪不大的店员",
    "服务台的工作人员",
    "{surname}店长",
    "一个姓{surname}的主管",
    "客服专员",
    "售后柜台的员工",
    "理货员",
)

_SURNAMES_STAFF = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"

_KIN = ("母亲", "父亲", "爱人", "老伴", "岳母", "婆婆", "外婆", "爷爷")
_CHILD = ("孩子", "儿子", "女儿", "两岁的女儿", "三岁的儿子", "五岁的孩子", "一岁多的宝宝", "上小学的儿子")
_NTH = ("第二次", "第三次", "第三次", "第四次", "第五次")
_TIMES = ("两次", "三次", "三次", "四次", "好几次", "五六次", "不下五次")
_WAIT = ("四十多分钟", "一个多小时", "半个多小时", "将近两个小时", "二十多分钟")
_HOUR = (
    "晚上九点多",
    "中午十二点左右",
    "早上七点多",
    "下午三点多",
    "晚上十点半",
    "上午十点左右",
    "傍晚六点多",
)
_APP = ("华启优选App", "App", "华启优选App", "华启App", "小程序")
_HOTLINE = ("客服热线", "400热线", "人工客服", "客服电话")
_TIER_LABEL = ("金卡会员", "钻石会员", "PLUS会员", "老会员", "白金会员", "银卡会员")
_AGENT_FMT = ("工号{n}的客服", "一位工号{n}的客服", "客服（工号{n}）", "工号{n}的女客服", "工号{n}的男客服")

_PROMOS = {
    1: ("年货节", "新春年货节", "会员日"),
    2: ("年货节", "开春焕新季", "会员日"),
    3: ("女神节", "春季焕新节", "会员日"),
    4: ("春季焕新节", "会员日", "家装节"),
    5: ("五一大促", "母婴节", "会员日"),
    6: ("618大促", "618年中大促", "年中狂欢"),
    7: ("暑期大促", "会员日", "家电节"),
    8: ("开学季", "七夕活动", "会员日"),
    9: ("开学季", "中秋节活动", "店庆"),
    10: ("国庆黄金周", "十一大促", "店庆"),
    11: ("双十一", "双十一大促", "双十一预售"),
    12: ("双十二", "年终盛典", "会员日"),
}

_CN_NUM = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")

# --------------------------------------------------------------------------------------------------
# Voices: how the channel shapes the text
# --------------------------------------------------------------------------------------------------

# first: the customer's own words (web form, app) · email: own words, a little more formal
# social: handler preface + the quoted post · handler: handler's summary of a call or visit
# letter: formal summary of a letter · api: summary relayed by a third-party platform
_VOICE = {
    "web": "first",
    "app": "first",
    "email": "email",
    "social": "social",
    "phone": "handler",
    "visit": "handler",
    "letter": "letter",
    "api": "api",
}

# Pronoun slots per voice: {我} the complainant, {你们} the company, {主} subject of the first clause
# (dropped in summaries, where the opening already names the customer), {主属} the same where a
# subject or possessive cannot be dropped ("其母亲", "其是听障人士").
_VOICE_SLOTS = {
    "first": {"我": "我", "你们": "你们", "主": "我", "主属": "我", "主的": "我的"},
    "email": {"我": "我", "你们": "你们", "主": "我", "主属": "我", "主的": "我的"},
    "social": {"我": "我", "你们": "你们", "主": "我", "主属": "我", "主的": "我的"},
    "handler": {"我": "客户", "你们": "我司", "主": "", "主属": "其", "主的": "其"},
    "letter": {"我": "客户", "你们": "我司", "主": "", "主属": "其", "主的": "其"},
    "api": {"我": "消费者", "你们": "商家", "主": "", "主属": "其", "主的": "其"},
}

_OPEN_WEB = (
    "",
    "",
    "",
    "",
    "",
    "",
    "你好，",
    "你好，我要投诉。",
    "我要投诉！",
    "客服你好，",
    "投诉！！",
    "麻烦看一下我的问题：",
    "你好，想反映一个问题。",
    "实在忍不住了，来这里说一下。",
    "说一下我遇到的糟心事。",
    "请相关负责人认真看完。",
    "我是{你们}的{tier}，",
    "本来不想投诉的，但这事必须说清楚。",
    "长话短说：",
    "我再提交一次，上次的没人回。",
    "作为{你们}好几年的老客户，这次真的很失望。",
    "先说明，我不是来闹的，只想解决问题。",
)
# Keyed by channel (phone and visit share the handler voice but not the opening).
_OPEN = {
    "web": _OPEN_WEB + ("电话打不通，只能在官网留言。", "官网留言：", "在线留言投诉："),
    "app": _OPEN_WEB
    + ("在App里找了半天才找到投诉入口。", "App客服一直是机器人，只能在这里写。", "【App意见反馈】"),
    "email": (
        "您好：",
        "华启优选客服中心：",
        "尊敬的客服负责人：",
        "相关负责人您好：",
        "你好，以下是我的投诉内容。",
        "您好，我是{你们}的{tier}，现就以下问题正式投诉。",
        "您好，电话沟通无果，只好写邮件。",
        "客服中心负责人：您好。",
        "你好，邮件附件是相关截图，请查收。",
    ),
    "social": (
        "客户在微博发帖并@华启优选官方账号，原文如下：",
        "舆情监测发现客户在微博发文投诉：",
        "客户在社交平台发布图文投诉，内容摘录：",
        "客户在官方账号评论区留言：",
        "客户通过微博私信投诉：",
        "客户在本地生活论坛发帖点名我司，原帖：",
        "客户在短视频平台发布视频并配文：",
        "舆情专员转来客户帖子一则：",
    ),
    "phone": (
        "客户来电反映，",
        "客户来电投诉，称",
        "客户致电客服热线，反映",
        "客户来电称，",
        "客户{nth}来电，反映",
        "客户来电，语速很快，称",
        "客户来电咨询后转投诉：",
        "来电人为客户家属，代为反映：",
        "客户来电表示不满：",
        "客户拨打400热线反映，",
        "客户来电，要求转投诉专员，称",
        "{d2}客户来电，反映",
        "客户致电反映：",
        "客户晚间来电，称",
        "客户来电，要求记录在案：",
        "客户经语音导航转人工后投诉，称",
    ),
    "visit": (
        "客户到{store}服务台现场投诉，称",
        "客户本人到店反映，",
        "客户携购物小票到{store}服务台，反映",
        "客户由家人陪同到店投诉，称",
        "客户在{store}要求见店长，经值班经理接待，反映",
        "客户到店投诉，",
        "客户到{store}售后柜台，反映",
        "客户{d2}到店，向值班经理反映：",
        "客户到{store}现场投诉，称",
        "客户在{store}服务台填写投诉登记表，称",
    ),
    "letter": (
        "客户来信称：",
        "客户以书面信函形式投诉，信中称：",
        "收到客户挂号信一封，反映",
        "客户寄来投诉信，主要内容如下：",
        "客户来函，称",
        "收到客户手写信件，反映",
        "客户致总经理信一封，经转办，信中反映：",
        "客户以EMS寄来投诉函，称",
    ),
    "api": (
        "【第三方投诉平台转办】消费者反映：",
        "【消费者协会转办】消费者称：",
        "开放平台工单同步：消费者反映，",
        "合作平台转入投诉：",
        "【12315平台转办】消费者反映，",
        "【市场监管热线转办】据消费者反映，",
        "接口推送工单：消费者称，",
        "【投诉平台】消费者诉称：",
    ),
}

_EMO_FIRST = {
    "low": (
        "",
        "",
        "倒也不是什么大事，就是觉得体验不好。",
        "希望你们重视一下细节。",
        "有点失望。",
        "小事一桩，但说明管理上有漏洞。",
        "不想为这点事生气，但确实闹心。",
    ),
    "medium": (
        "真的挺失望的。",
        "这种服务让人很无语。",
        "我已经很有耐心了。",
        "说实话有点寒心。",
        "感觉被当皮球踢来踢去。",
        "一件小事拖成这样，真是服了。",
        "越想越气。",
        "本来对你们印象挺好的。",
    ),
    "high": (
        "太气人了！！",
        "你们到底有没有人管？！",
        "我现在非常愤怒！",
        "这是什么服务态度？",
        "我真的要被气笑了。",
        "一次又一次地敷衍，我受够了！",
        "我对你们彻底失望了！！",
        "到底还要让我等多久？！",
        "这就是你们说的“放心购”？",
    ),
    "critical": (
        "我现在气得手都在抖！！",
        "这已经不是服务问题，是欺骗！",
        "出了这么大的事，你们连一个负责人都找不到？！",
        "我绝不会就这么算了！！",
        "家里人都吓坏了，你们必须给个交代！！",
        "这种事情要是出在你们自己家里呢？！",
    ),
}

_EMO_HANDLER = {
    "low": ("", "", "{我}语气平和。", "{我}表示理解，但希望改进。", "{我}态度平和，主要希望问题得到解决。"),
    "medium": (
        "{我}对处理进度表示不满。",
        "{我}语气较急，多次询问处理时限。",
        "{我}表示对我司服务很失望。",
        "{我}认为问题不大但处理太拖沓。",
        "",
    ),
    "high": (
        "{我}情绪激动，多次提高音量。",
        "{我}情绪激动，表示对我司非常失望。",
        "{我}认为我司一直在推诿。",
        "{我}情绪较大，多次打断解释。",
        "{我}反复强调“不要再让我等”。",
    ),
    "critical": (
        "{我}情绪极为激动，表示要追究到底。",
        "{我}情绪激动，多次要求公司高层出面。",
        "{我}表示已无法信任我司。",
        "{我}情绪失控，一度哽咽。",
        "{我}态度强硬，拒绝听取解释。",
    ),
}

_EMO_LETTER = {
    "low": ("", "来信语气平和，条理清楚。", "{我}在信中表示理解，但希望改进。"),
    "medium": (
        "{我}在信中对处理进度表示不满。",
        "信中多处用下划线标出“承诺”二字。",
        "{我}在信中表示对我司很失望。",
    ),
    "high": (
        "信中措辞激烈，多次使用感叹号。",
        "{我}在信中称对我司“彻底失望”。",
        "{我}在信中逐条列出沟通经过，认为我司一再推诿。",
    ),
    "critical": ("{我}在信中表示将追究到底。", "信件同时抄送了当地消费者协会。", "{我}在信中称已委托律师。"),
}

_HIST_FIRST = (
    "这已经是我{nth}打电话了，每次都说会有人联系，结果没人。",
    "上周已经投诉过一次，工单号{ticket}，到现在没人理。",
    "我前后打了{times}电话，每次都要从头讲一遍。",
    "之前在App里提交过反馈，被系统自动关闭了。",
    "同样的问题上个月就反映过。",
    "{d1}我就投诉过，客服答应三天内回复，一直没消息。",
    "这是我{nth}提交投诉了。",
)
_HIST_HANDLER = (
    "{我}称此前已就此事来电{times}，均未得到答复。",
    "经查，{我}曾于{d1}反映同一问题（工单{ticket}），当时承诺三个工作日内回电，未见回电记录。",
    "{我}表示这是{nth}投诉。",
    "系统显示{我}近30天内有{times}相关来电记录。",
    "{我}称已在App提交过反馈，被自动关闭。",
    "{我}此前投诉工单{ticket}已结案，但{我}表示问题并未解决。",
)

_DEMAND_FIRST = {
    "refund": (
        "我要求全额退款。",
        "把钱退给我，东西你们拉走。",
        "我只要退款，别的不用谈。",
        "请尽快把{price}退回我原支付账户。",
        "要求退货退款，运费你们出。",
        "退款，立刻。",
    ),
    "replacement": (
        "要求换一个新的。",
        "给我换新，不接受维修。",
        "我要求换货，而且不要同一批次的。",
        "直接换新吧，别再折腾了。",
    ),
    "repair": (
        "请尽快安排师傅上门维修。",
        "要求免费维修，并且给个明确的上门时间。",
        "修好就行，但不能再拖了。",
        "希望派个靠谱的师傅来看看。",
    ),
    "compensation": (
        "耽误的时间和损失，你们必须给个补偿。",
        "我要求合理赔偿。",
        "要求赔偿我的损失，具体方案你们来提。",
        "该赔的必须赔。",
        "我不要优惠券，我要实实在在的赔偿。",
    ),
    "apology": (
        "我要一个正式的道歉。",
        "至少应该给我道个歉吧。",
        "我要求书面道歉。",
        "钱不钱的无所谓，我要一个道歉。",
    ),
    "explanation": (
        "我就想知道到底是怎么回事。",
        "请给我一个合理的解释。",
        "麻烦给个说法，到底谁的责任。",
        "希望给我一个书面的说明。",
    ),
    "punish_staff": (
        "要求对这名员工严肃处理。",
        "这样的员工不处理，我会一直投诉。",
        "请告诉我对这个人是怎么处理的。",
        "要求涉事员工当面道歉，并给我处理结果。",
    ),
    "cancel": (
        "我要求取消{cancel_obj}。",
        "{cancel_obj}我不要了，马上给我取消。",
        "请立即取消{cancel_obj}，别再拖了。",
        "我要取消{cancel_obj}，不想再跟你们打交道了。",
    ),
}
_DEMAND_HANDLER = {
    "refund": (
        "{我}要求全额退款。",
        "{我}要求退还货款{price}。",
        "{我}诉求为退货退款。",
        "{我}明确只接受退款。",
    ),
    "replacement": ("{我}要求换新。", "{我}要求更换同型号新品，不接受维修。", "{我}诉求为换货。"),
    "repair": ("{我}要求尽快安排免费维修。", "{我}要求明确上门维修时间。", "{我}诉求为维修。"),
    "compensation": ("{我}要求给予补偿。", "{我}要求赔偿相关损失。", "{我}要求合理赔偿，金额待协商。"),
    "apology": ("{我}要求我司正式道歉。", "{我}要求书面道歉。", "{我}主要诉求为道歉。"),
    "explanation": ("{我}要求给出书面解释。", "{我}希望了解具体原因。", "{我}要求说明责任归属。"),
    "punish_staff": ("{我}要求对涉事员工进行处理并告知结果。", "{我}要求涉事员工道歉并追责。"),
    "cancel": ("{我}要求取消{cancel_obj}。", "{我}要求立即解除{cancel_obj}。"),
}

# Finance complaints want fees back, not goods taken away.
_DEMAND_FIRST_FIN = {
    "cancel": ("请立即取消{cancel_obj}，不要再扣我钱。", "{cancel_obj}我不要了，马上停止扣款。"),
    "refund": (
        "多收的钱必须退给我。",
        "把多扣的费用全部退回来。",
        "我要求退还所有不该收的费用。",
        "请把多收的利息和手续费退给我。",
    ),
}
_DEMAND_HANDLER_FIN = {
    "cancel": ("{我}要求立即解除{cancel_obj}并停止扣款。", "{我}要求取消{cancel_obj}，不再产生任何费用。"),
    "refund": (
        "{我}要求退还多收费用。",
        "{我}要求退还已扣收的手续费及利息。",
        "{我}要求全额退还不合理收费。",
    ),
}

_CLOSE_FIRST = {
    "low": ("", "", "", "麻烦尽快处理，谢谢。", "希望能给个答复。", "谢谢。", "希望以后改进。"),
    "medium": (
        "",
        "请尽快给我一个说法。",
        "希望三天内给我回复。",
        "别再让我等了。",
        "我等你们的电话。",
        "请直接打我电话，别再让我在App里排队了。",
    ),
    "high": (
        "今天之内必须给我答复！",
        "如果再拖，我就去12315投诉。",
        "再不处理我就发微博曝光！",
        "请你们领导直接联系我。",
        "我保留所有聊天截图和通话录音。",
        "再没人管，我就去消费者协会了。",
    ),
    "critical": (
        "我已经咨询了律师，必要时会起诉。",
        "我会向12315和消费者协会投诉，并把整个经过发到网上。",
        "如果48小时内没有负责人出面，我就走法律程序！！",
        "我已经把视频发到微博了，你们看着办。",
        "所有证据我都留着，法庭上见。",
    ),
}
_CLOSE_EMAIL = ("盼复。", "期待您的书面答复。", "此致。", "请在五个工作日内回复。", "望尽快处理，谢谢。", "")

_CLOSE_HANDLER = {
    "low": ("", "", "已向{我}解释处理流程。", "{我}希望尽快处理。", "已告知{我}两个工作日内答复。"),
    "medium": (
        "{我}要求三个工作日内给予答复。",
        "已告知{我}将在24小时内回电。",
        "已安抚{我}并承诺跟进。",
        "",
    ),
    "high": (
        "{我}表示如不处理将向12315投诉。",
        "{我}要求主管回电。",
        "{我}称已保留通话录音及聊天截图。",
        "{我}表示当天得不到答复将去消费者协会。",
    ),
    "critical": (
        "{我}明确表示已咨询律师，不排除提起诉讼。",
        "{我}表示将向媒体及12315反映，请优先处理。",
        "{我}称已在微博发布相关内容，存在舆情风险。",
        "{我}要求公司负责人24小时内联系，否则将起诉。",
    ),
}
_CLOSE_LETTER = (
    "{我}要求我司于十五个工作日内书面答复。",
    "信末附有购物凭证复印件及照片若干张。",
    "{我}在信中表示保留追究法律责任的权利。",
    "来信附有联系电话，要求专人回复。",
    "{我}希望以书面形式收到处理结果。",
)
_SOCIAL_TAIL = (
    "（截至登记时该帖已有{reposts}次转发。）",
    "（帖子下已有{comments}条评论，部分网友跟帖称有类似经历。）",
    "（该帖已被本地博主转发。）",
    "",
)

# --------------------------------------------------------------------------------------------------
# Scenario families
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """One scenario family.  Titles, extras, causes, fixes and tasks are stored per body: a template
    written as "02|…" applies only to bodies 0 and 2, an untagged one to every body."""

    key: str
    category: str
    goods: tuple[tuple[str, str, int, int], ...]
    ref: str  # order | contract | card | mixed | none
    sev: tuple[str, ...]  # expanded by weight for O(1) picks
    demands: tuple[str, ...]  # expanded by weight
    slots: dict[str, tuple[str, ...]]
    bodies: tuple[str, ...]
    titles: tuple[tuple[str, ...], ...]  # [body index] -> titles
    extras: tuple[tuple[str, ...], ...]
    rants: tuple[str, ...]
    causes: tuple[tuple[tuple[str, str], ...], ...]  # [body index] -> (responsibility, finding)
    fixes: tuple[tuple[str, ...], ...]
    tasks: tuple[tuple[tuple[str, str], ...], ...]  # [body index] -> (department, task), one per department
    prod: str  # template for ComplaintText.product; "" means the product slot
    finance: bool


_FAMILIES: list[_Family] = []
_SCOPE_DIGITS = frozenset("0123456789")


def _scoped(items, n: int, text_at: int | None = None) -> tuple[tuple, ...]:
    """Distribute templates over `n` bodies according to their optional "02|" scope tag."""
    per: list[list] = [[] for _ in range(n)]
    for item in items:
        text = item if text_at is None else item[text_at]
        tag, sep, rest = text.partition("|")
        if sep and tag and set(tag) <= _SCOPE_DIGITS:
            clean = rest if text_at is None else (*item[:text_at], rest, *item[text_at + 1 :])
            for ch in tag:
                per[int(ch)].append(clean)
        else:
            for bucket in per:
                bucket.append(item)
    return tuple(tuple(b) for b in per)


def _fam(
    key: str,
    category: str,
    *,
    goods: str,
    ref: str,
    sev: tuple[int, int, int, int],
    demand: str,
    titles: tuple[str, ...],
    bodies: tuple[str, ...],
    extras: tuple[str, ...],
    causes: tuple[tuple[str, str], ...],
    fixes: tuple[str, ...],
    tasks: tuple[tuple[str, str], ...],
    slots: dict[str, tuple[str, ...]] | None = None,
    rants: tuple[str, ...] = (),
    prod: str = "",
) -> None:
    pool: list[tuple[str, str, int, int]] = []
    for g in goods.split():
        pool.extend(_GOODS[g])
    sev_pool = tuple(s for s, w in zip(SEVERITIES, sev, strict=True) for _ in range(w))
    dem_pool: list[str] = []
    for part in demand.split():
        code, _, weight = part.partition(":")
        dem_pool.extend([code] * int(weight or 1))
    finance = "finance" in goods.split() or ref in ("contract", "card")
    if not prod and ref in ("contract", "card"):
        prod = "华启分期" if ref == "contract" else "华启联名信用卡"
    n = len(bodies)
    _FAMILIES.append(
        _Family(
            key,
            category,
            tuple(pool),
            ref,
            sev_pool,
            tuple(dem_pool),
            slots or {},
            bodies,
            _scoped(titles, n),
            _scoped(extras, n),
            rants,
            _scoped(causes, n, 1),
            _scoped(fixes, n),
            _scoped(tasks, n, 1),
            prod,
            finance,
        )
    )


# ---- 服务承诺未兑现 --------------------------------------------------------------------------------

_fam(
    "ship_late",
    "promise_broken",
    goods="appliance digital baby home apparel",
    ref="order",
    sev=(2, 6, 3, 0),
    demand="compensation:3 cancel:2 explanation:2 refund:1",
    slots={
        "promise": (
            "48小时内发货",
            "24小时发货",
            "次日达",
            "当日发货",
            "72小时内发货",
            "预售结束后3天内发货",
        ),
        "use": ("搬新家", "给老人过生日", "孩子开学", "年前送礼", "周末露营", "新房入住"),
    },
    titles=(
        "{promo}订单承诺{promise}，{ndays}未发货",
        "下单页写{promise}，实际{ndays}还没发",
        "承诺{promise}没做到，催了几次都没用",
        "{item}超时未发货，预计送达时间被反复修改",
    ),
    bodies=(
        "{主}{d0}在{app}下单了{product}，商品页上明明写着“{promise}”，结果过了{ndays}物流信息还是“待揽收”。{我}问在线客服，对方只会复制粘贴“仓库正在加急处理”。",
        "{主}{promo}期间抢的{product}，订单号{order}，当时就是冲着“{promise}”才下的单，到{d1}了还没出库。",
        "{主}{d0}给家里买了{product}，页面标注{promise}，付款{price}。可一直等到{d1}都没有发货，也没有任何短信通知，要不是{我}自己去查根本不知道。",
        "{主}{d0}下的单，{item}，{price}，承诺{promise}。现在{ndays}过去了，订单状态一直是“拣货中”。",
    ),
    extras=(
        "本来是赶着{use}用的，现在全耽误了。",
        "客服说可以取消订单，但{我}要的是东西，不是取消。",
        "同一时间朋友在别家下单，第二天就到了。",
        "订单详情里的预计送达时间已经被悄悄改了两次。",
        "{我}在{hour}还收到了{你们}的促销短信，发货的事却一个字不提。",
    ),
    rants=("既然发不了货，当初为什么要写“{promise}”？", "这不就是虚假宣传吗。"),
    causes=(
        ("staff", "{promo}期间华东仓订单积压，仓储排班未按大促预案扩充，该批订单超时未出库"),
        ("third_party", "该商品由供应商代发，供应商库存不足，但商品页未同步调整发货时效"),
        ("staff", "订单因地址校验异常被系统挂起，客服未及时联系客户补录信息"),
        ("staff", "库存系统显示有货但实物已售罄，超卖订单未按规则主动告知客户"),
    ),
    fixes=(
        "协调仓库当天加急出库，改由{courier}次日达配送，并致电客户致歉",
        "按客户意愿取消订单并原路退款，同时按超时发货规则补偿",
        "从临近门店调货直送客户，当天送达",
    ),
    tasks=(
        ("logistics", "核查订单{order}出库延迟原因并当日加急发出"),
        ("product", "核对{item}商品页发货时效标注与实际库存是否一致"),
        ("tech", "排查大促期间订单预计送达时间被自动改写的问题"),
        ("finance", "按超时发货赔付规则核算并发放补偿"),
    ),
)

_fam(
    "price_protect",
    "promise_broken",
    goods="appliance digital home apparel baby",
    ref="order",
    sev=(3, 6, 2, 0),
    demand="refund:4 compensation:2 explanation:2",
    titles=(
        "03|{item}买后{ndays}降价{diff}，价保申请被拒",
        "03|说好的30天价保不认账",
        "价保承诺形同虚设，{item}差价不给退",
        "2|门店承诺“买贵退差”，降价后不认",
        "1|导购承诺降价补差，活动一开始就不认账",
        "1|{promo}前买的{item}降了{diff}，导购承诺不兑现",
    ),
    bodies=(
        "{主}{d0}在{app}买了{product}，花了{price}，下单页写着“30天价保”。{d1}同款降了{diff}，{我}申请价保，系统直接驳回，理由是“活动价不参与价保”，可下单时根本没看到这条。",
        "{主}{promo}前一周买的{item}，当时导购拍胸脯说“活动期间降价随时补差价”。结果活动一开始就便宜了{diff}，去找补差，{staff}说那是个人承诺，公司不认。",
        "{主}{d0}在{store}买的{product}，成交价{price}。店里海报写着“买贵退差”，{ndays}后线上同款便宜了{diff}，门店说线上线下价格体系不同，不给退。",
        "{主}{d0}下单{product}，{ndays}后同款直降{diff}。按{你们}的规则应该保价，客服先说可以，第二天又打电话说“系统判定不符合”。",
    ),
    extras=(
        "{我}保留了下单页截图和导购的微信聊天记录。",
        "{我}在线上申请了{times}价保，每次都是机器人回复。",
        "同一天买的朋友就退了差价，{我}却不行。",
        "客服让{我}先退货再重新买，可{item}已经拆封用上了。",
    ),
    rants=("规则全凭你们一张嘴？", "买在高点算我倒霉是吧。"),
    causes=(
        ("staff", "12|门店导购口头承诺“降价补差”超出公司价保政策范围，且未说明活动价除外条款"),
        ("staff", "03|价保除外条款仅展示在规则详情页，下单页未提示，告知不充分"),
        ("staff", "03|该商品属于价保范围，系统因活动价识别错误将申请误判为不可价保"),
        ("customer", "客户申请时已超出30天价保期，且比价对象为不同配置的商品"),
    ),
    fixes=(
        "经核实按价保规则为客户补差价{diff}",
        "核实导购承诺属实，按承诺退还差价，并对导购进行培训提醒",
        "向客户解释价保规则，并以购物券方式补偿部分差价",
    ),
    tasks=(
        ("tech", "03|排查订单{order}价保申请被系统误驳回的原因"),
        ("store_ops", "12|核实{store}导购对客户作出补差承诺的情况"),
        ("product", "优化价保除外条款在下单页的展示"),
        ("finance", "核算并发放客户价保差价"),
    ),
)

_fam(
    "install_noshow",
    "promise_broken",
    goods="appliance home",
    ref="order",
    sev=(1, 6, 4, 0),
    demand="compensation:3 apology:2 repair:1 refund:1",
    slots={"slot_time": ("上午9点到12点", "下午两点到六点", "周六全天", "晚上七点前", "上午十点左右")},
    titles=(
        "{item}预约上门安装，师傅{times}爽约",
        "承诺{d1}上门安装，没人来也没通知",
        "安装师傅放鸽子，请假在家白等一天",
        "送装一体变成只送不装，{item}放了{ndays}",
    ),
    bodies=(
        "{主}{d0}在{store}买了{product}，店员说送货后24小时内安排师傅上门安装。约好{d1}{slot_time}，{我}特意请了一天假在家等，结果一直没人来，打安装师傅电话关机。",
        "{主}买的{item}已经送到{ndays}了，还堆在客厅里。安装预约改了{times}，每次都是当天上午打电话说来不了。",
        "{主}在{app}下单{product}时选的是“送装一体”，结果送货的只管送，说安装要另外约，{我}约了{d1}{slot_time}，到点了也没人上门。",
        "{主}{d0}买了{product}，安装时间是{你们}客服定的，{d1}{slot_time}。{我}等到{hour}，打电话过去才说师傅“排不过来”。",
    ),
    extras=(
        "家里老人小孩都等着用，{item}拆不了箱只能干放着。",
        "客服每次都说“已催促网点”，然后就没有下文了。",
        "{我}为了等安装专门请了假，扣了一天工资。",
        "后来来了个师傅，又说缺配件要再约。",
        "安装网点的电话要么占线要么没人接。",
    ),
    rants=("我的时间就不是时间吗？", "说好的送装一体呢？"),
    causes=(
        ("third_party", "合作安装网点人手不足，私自改派订单且未通知客户"),
        ("staff", "门店开单时未为客户登记安装需求，安装工单未生成"),
        ("staff", "安装调度系统的预约时段与网点排班不一致，客服未跟进确认"),
        ("third_party", "安装师傅临时接单过多，未按约定时间上门也未提前告知"),
    ),
    fixes=(
        "协调网点主管于次日亲自带队上门完成安装，并向客户致歉",
        "对安装网点考核扣款，为客户补偿误工损失",
        "改派自营安装团队上门，由专人全程跟进至安装完成",
    ),
    tasks=(
        ("store_ops", "核查{store}安装工单登记及派单记录"),
        ("logistics", "协调安装网点重新预约并确保按时上门"),
        ("finance", "核算客户误工补偿并发放"),
        ("quality", "抽查该网点近一个月安装工单的履约情况"),
    ),
)

_fam(
    "callback_missed",
    "promise_broken",
    goods="appliance digital",
    ref="mixed",
    sev=(3, 6, 2, 0),
    demand="explanation:3 apology:3 compensation:1 punish_staff:1",
    slots={
        "cb": ("24小时内回电", "当天回电", "两个工作日内回电", "下午给答复", "明天上午联系", "三天内给结果"),
        "issue": ("开机就报错", "有异响", "少了配件", "充不进电", "外观有划痕", "用了两天就坏了"),
    },
    titles=(
        "客服承诺{cb}，{ndays}都没消息",
        "说好回电一直不回，问题拖着没人管",
        "多次被承诺回电，至今无人联系",
        "工单显示“处理中”，承诺的回电从未兑现",
    ),
    bodies=(
        "{主}{d0}因为{item}的问题打了{hotline}，{agent}说会在{cb}，还让{我}留了手机号。结果一直等到{d1}也没人联系，再打过去又要从头讲一遍。",
        "{主}之前反映{item}{issue}，客服登记了工单{ticket}，承诺{cb}。{我}前后等了{ndays}，期间又打了{times}，每次都说“已加急”。",
        "{主}在{app}的在线客服反映{item}{issue}，对方说会转专员，专员会{cb}。到现在一个电话都没接到，工单状态还显示“处理中”。",
    ),
    extras=(
        "{我}怕漏接电话，这几天开会都把手机放在桌上。",
        "每次接通前都要排队{wait}。",
        "{我}要求直接转主管，被告知“主管不接电话”。",
        "最后一次打过去，客服说之前的工单已经“自动关闭”了。",
    ),
    rants=("你们的“马上”到底是多久？", "答应的事做不到就别答应。"),
    causes=(
        ("staff", "一线客服建单时误选为“咨询类”，工单未流转到专员队列"),
        ("staff", "专员工单积压，超时预警未被处理，回电承诺未兑现"),
        ("staff", "客服在无授权情况下承诺回电时限，违反首问负责要求"),
        ("undetermined", "外呼记录显示曾回拨两次未接通，但未按规定发送短信告知客户"),
    ),
    fixes=(
        "由客服主管当日回电致歉，并一次性解决客户{item}问题",
        "指定专人作为客户唯一对接人，每日同步进度直至解决",
        "对涉事客服进行辅导，并向客户致歉补偿",
    ),
    tasks=(
        ("quality", "调取客户近期来电录音，核查回电承诺及履约情况"),
        ("tech", "排查工单{ticket}未按时流转的原因并修复超时预警"),
        ("product", "核实客户反映的{item}{issue}问题并给出处理意见"),
    ),
)

_fam(
    "points_redeem",
    "promise_broken",
    goods="service",
    ref="none",
    sev=(5, 5, 1, 0),
    demand="explanation:3 compensation:3 apology:1",
    prod="会员积分",
    slots={"gift": ("保温杯", "电动牙刷", "50元话费", "行李箱", "空气炸锅", "定制抱枕", "20元无门槛券")},
    titles=(
        "03|{pts}积分兑换{gift}，{ndays}未发货",
        "0|积分兑换后商品下架，积分迟迟不退",
        "1|积分被清零没有任何提醒",
        "1|{pts}积分一夜清零，会员规则说改就改",
        "2|宣传积分当钱花，结账却不能抵扣",
        "3|兑换的{gift}显示已发货，物流却查不到",
    ),
    bodies=(
        "{主}{d0}在{app}用{pts}积分兑换了一个{gift}，页面写着7天内发货。到{d1}还没发，客服说兑换商品缺货，积分要等“下个结算周期”才退回。",
        "{主}攒了好几年的积分，一共{pts}分，原本说年底前都能用，{d1}打开App一看全清零了，没有任何短信或站内信提醒。",
        "{你们}宣传“积分当钱花，100积分抵1元”，{我}{d1}在{store}结账时想用{pts}积分抵扣，系统却提示“该商品不支持积分抵扣”，店员也说不清楚。",
        "{主}{d0}兑换的{gift}显示“已发货”，快递单号却查不到任何信息，客服让{我}再等等，一等就是{ndays}。",
    ),
    extras=(
        "{我}是{你们}的{tier}，积分都是一单一单攒下来的。",
        "0|兑换记录现在显示“已取消”，可{我}从来没取消过。",
        "12|积分规则页面改过好几次，{我}截图留了旧版本。",
        "1|客服说积分清零是“系统统一操作”，没有办法恢复。",
        "3|客服给的快递单号在快递公司官网查不到。",
    ),
    rants=("积分也是钱换来的。", "说清零就清零，太霸道了。"),
    causes=(
        ("third_party", "0|积分商城供应商断货，运营未及时下架商品，也未主动通知已兑换用户"),
        ("staff", "1|积分有效期规则调整仅在规则页更新，未按要求向会员逐一推送通知"),
        ("staff", "2|积分抵扣对部分品类设有排除规则，门店宣传物料未注明"),
        ("customer", "1|客户积分按规则于年度末到期，系统曾于到期前30天发送提醒短信"),
        ("third_party", "3|礼品由供应商代发，快递单号回传错误，包裹实际滞留在供应商仓库"),
    ),
    fixes=(
        "1|为客户恢复被清零积分，另赠送积分致歉",
        "03|协调积分商城换发同价值礼品并加急寄出",
        "0|退回客户兑换所用积分并致歉",
        "2|向客户说明抵扣规则，并按等值金额补偿本次未能抵扣的部分",
        "3|联系供应商重新发货并提供真实物流单号",
    ),
    tasks=(
        ("product", "03|核查积分商城{gift}库存及发货流程"),
        ("tech", "1|恢复客户被清零的积分并排查批量清零任务"),
        ("legal", "12|评估积分规则变更及告知方式是否合规"),
        ("store_ops", "2|更换{store}收银台的积分抵扣宣传物料"),
        ("logistics", "3|联系供应商核实{gift}包裹实际物流状态"),
    ),
)

_fam(
    "member_benefit",
    "promise_broken",
    goods="service",
    ref="none",
    sev=(4, 6, 1, 0),
    demand="refund:2 compensation:3 explanation:2 cancel:1",
    prod="华启PLUS会员",
    slots={
        "perk": (
            "每月免运费券",
            "生日双倍积分",
            "专属客服通道",
            "每年一次免费家电清洗",
            "每月20元无门槛券",
            "退货免邮",
        ),
        "cancel_obj": ("会员", "会员自动续费"),
    },
    titles=(
        "购买PLUS会员后权益缩水，{perk}没了",
        "会员年卡宣传的权益不兑现",
        "{tier}权益被单方面取消",
        "续费会员才一个月，{perk}就取消了",
    ),
    bodies=(
        "{主}{d0}开通了{你们}的PLUS会员年卡，当时宣传页写得很清楚包含“{perk}”。才过了几个月，这项权益就没了，App上只弹了个通知说“权益升级调整”。",
        "{主}是冲着“{perk}”才续费的会员，{d1}想用的时候发现已经取消了，客服说是公司统一调整，会员费不退。",
        "{主属}作为{tier}，以前一直享受{perk}，这个月突然不能用了，问门店说系统改了，问线上说去问门店。",
    ),
    extras=(
        "会员费交了没多久，权益就少了一半。",
        "开卡时的宣传截图{我}都还留着。",
        "客服给的解释是“新权益更丰富”，可新权益{我}一个都用不上。",
        "{我}身边好几个会员都遇到了同样的情况。",
    ),
    rants=("开了会员就变脸？", "收钱的时候说得天花乱坠。"),
    causes=(
        ("staff", "会员权益调整方案未对存量年卡会员设置过渡期，违背开卡时的权益承诺"),
        ("staff", "门店与线上会员系统权益配置不同步"),
        ("third_party", "该项权益由合作方提供，合作方提前终止合作且未足额过渡"),
    ),
    fixes=(
        "对存量年卡会员恢复原权益至到期日，并向客户致歉",
        "按剩余月份比例退还会员费，客户会员资格保留至月底",
        "为客户补发等值权益券并说明调整原因",
    ),
    tasks=(
        ("product", "评估会员权益调整对存量年卡会员的影响并制定过渡方案"),
        ("legal", "审查会员权益调整条款是否构成单方变更"),
        ("tech", "修复门店与线上会员权益配置不同步问题"),
        ("finance", "核算按剩余月份退还会员费的金额"),
    ),
)

_fam(
    "fq_interest_free",
    "promise_broken",
    goods="appliance digital home",
    ref="contract",
    sev=(1, 5, 4, 1),
    demand="refund:4 explanation:2 cancel:1 compensation:1",
    prod="华启分期",
    slots={"cancel_obj": ("分期合同", "这笔分期")},
    titles=(
        "宣传{periods}期免息，实际每期收手续费",
        "分期免息变收息，多扣了{fee}",
        "{item}分期说好免息，账单却有利息",
        "促销员承诺零手续费，分期账单不符",
    ),
    bodies=(
        "{主}{d0}在{store}买{product}，店员推荐办华启分期，说{periods}期免息、零手续费。第一期账单出来，除了本金还扣了{fee}的“分期服务费”，合同号{contract}。",
        "{主}在{app}买{item}时选的“{periods}期免息”，付款页也显示每期{monthly}。结果账单每期多了{fee}，客服说免息活动只针对首单用户。",
        "{主}{d0}用华启分期买了{product}，总价{price}，当时页面标的是免息。现在才发现是“免息不免费”，每期都有手续费，算下来年化快10%了。",
    ),
    extras=(
        "店员当时说得很清楚“一分钱利息都没有”，{我}家人可以作证。",
        "合同是在平板上签的，店员直接帮{我}点了“同意”。",
        "{我}已经还了好几期，前面根本没注意到多扣的钱。",
        "付款页面的截图{我}保存了，写的就是“免息”。",
    ),
    rants=("这不是套路是什么？", "免息两个字写那么大，手续费藏那么深。"),
    causes=(
        ("staff", "门店促销员为完成分期业绩，口头承诺“免息零手续费”，与产品实际条款不符"),
        ("staff", "免息活动仅限首次使用分期的用户，但付款页未做限制提示"),
        ("staff", "分期活动配置错误，免息订单被按普通费率收取手续费"),
        ("customer", "客户选择的是普通分期，签约页已明确展示手续费率并经客户确认"),
    ),
    fixes=(
        "退还客户已收取的全部分期手续费，剩余期数按免息执行",
        "为客户办理提前结清并免除手续费",
        "向客户逐项解释费率构成，并减免部分手续费",
    ),
    tasks=(
        ("finance", "核算合同{contract}已收手续费并办理退还"),
        ("store_ops", "核查{store}促销员分期销售话术及承诺记录"),
        ("legal", "审查分期营销宣传用语的合规性"),
        ("tech", "排查免息活动配置与计费系统是否一致"),
    ),
)

_fam(
    "tradein_subsidy",
    "promise_broken",
    goods="appliance",
    ref="order",
    sev=(2, 6, 3, 0),
    demand="compensation:4 explanation:2 refund:1",
    slots={
        "old": ("旧{item}", "用了十年的旧{item}", "家里的老{item}", "旧{item}"),
        "subsidy": ("200元", "300元", "500元", "800元", "15%的补贴", "400元"),
    },
    titles=(
        "01|以旧换新补贴{subsidy}迟迟不到账",
        "0|旧机已回收，承诺的补贴没影了",
        "2|以旧换新补贴被驳回，理由说不清",
        "1|以旧换新说好抵扣，小票上却没有",
        "2|旧机照片、回收单都传了，补贴审核不通过",
    ),
    bodies=(
        "{主}{d0}参加了{你们}的以旧换新活动，买了{product}，回收师傅当场把{old}拉走了，说补贴{subsidy}会在15个工作日内到账。到{d1}还是没收到，客服说“回收信息未上传”。",
        "{主}{d0}在{store}办的以旧换新，{old}折价{subsidy}，店员说结账时直接抵扣，结果小票上没有抵扣，说改成返现，至今没返。",
        "{主}按活动要求上传了{old}的照片和回收单，审核了{ndays}，最后被驳回，理由是“旧机品类不符”，可活动页根本没写这个限制。",
    ),
    extras=(
        "旧机已经被拉走了，{我}现在连证据都没了。",
        "回收师傅留的电话也打不通。",
        "活动页面现在已经下线，好在{我}截了图。",
        "{我}问了{times}，每次都说在走流程。",
    ),
    rants=("旧机拿走了，钱不给，这算什么？",),
    causes=(
        ("third_party", "0|回收服务商未按约定上传回收凭证，补贴发放流程卡住"),
        ("staff", "1|门店收银时未勾选以旧换新抵扣，后续改为返现但未建立跟踪"),
        ("staff", "2|补贴审核人员误将冰洗合并品类判为不符"),
        ("customer", "2|客户上传的回收单信息与订单不一致，经补齐材料后已重新审核"),
    ),
    fixes=(
        "02|核实后为客户补发以旧换新补贴{subsidy}，并额外致歉补偿",
        "2|重新审核通过，补贴三个工作日内原路返还",
        "1|门店补办抵扣，差额现金退还客户",
    ),
    tasks=(
        ("finance", "核实并发放客户以旧换新补贴{subsidy}"),
        ("logistics", "联系回收服务商补传回收凭证"),
        ("store_ops", "核查{store}以旧换新收银操作"),
        ("product", "修订以旧换新活动规则中的品类限制说明"),
    ),
)

_fam(
    "warranty_denied",
    "promise_broken",
    goods="appliance",
    ref="order",
    sev=(1, 5, 4, 0),
    demand="repair:4 refund:1 explanation:2 compensation:1",
    slots={"fault": ("开不了机", "主板烧了", "电机异响", "用着用着自动关机", "显示屏不亮", "频繁报故障代码")},
    titles=(
        "0|买了延保，维修时却说不在保修范围",
        "1|承诺两年保修，一年多就要收费修",
        "0|延保服务形同虚设，{item}修一次要{fee}",
        "{item}{fault}，保修期内被要求自费维修",
        "2|延保写明免费上门，师傅却收上门费",
    ),
    bodies=(
        "{主}{d0}买{product}时加购了{你们}的三年延保。现在{item}{fault}，报修后师傅说这属于“人为损坏”，要自费{fee}，可{我}根本没动过。",
        "{主}买的{item}才用了一年多就{fault}，当初店员说“整机保修两年”。报修时客服说核心部件只保一年，维修要收费。",
        "{主的}{product}{fault}，延保卡上写着“免费上门维修”，结果师傅来了收了{amt_s}上门费，说延保不含上门。",
    ),
    extras=(
        "延保卡和购物小票{我}都保存得好好的。",
        "师傅检查了不到五分钟就下结论，连拆机都没拆。",
        "延保是店员极力推荐{我}买的，说“买了就什么都不用操心”。",
        "{我}要求出具书面检测报告，对方说没有。",
    ),
    rants=("那延保到底保什么？", "花钱买了个寂寞。"),
    causes=(
        ("staff", "0|售后网点对延保条款理解错误，将保修范围内故障误判为人为损坏"),
        ("staff", "1|导购销售时夸大保修范围，未说明核心部件保修期限"),
        ("third_party", "2|第三方维修网点违规收取上门费"),
        ("customer", "0|检测确认机身有明显进水痕迹，不属于延保范围"),
    ),
    fixes=(
        "安排厂家授权网点免费维修并退还已收费用",
        "确认属保修范围，为客户换新机",
        "出具检测报告并向客户解释条款，对维修费给予减免",
    ),
    tasks=(
        ("quality", "对客户{item}进行二次检测并出具报告"),
        ("product", "核对延保条款与销售宣传材料的一致性"),
        ("finance", "退还客户已支付的维修费和上门费"),
        ("store_ops", "对导购延保销售话术开展合规培训"),
    ),
)

_fam(
    "gift_missing",
    "promise_broken",
    goods="appliance digital baby home",
    ref="order",
    sev=(6, 5, 0, 0),
    demand="compensation:3 explanation:2 refund:1",
    slots={
        "gift": (
            "原装保护壳",
            "料理棒",
            "一年免费清洗服务",
            "定制餐具一套",
            "无线充电器",
            "儿童餐椅",
            "赠品电烤箱",
        )
    },
    titles=(
        "下单承诺送{gift}，收货没有赠品",
        "买{item}说好的赠品迟迟不发",
        "{promo}满赠活动赠品不给了",
        "赠品被告知“已送完”，下单时却没提示",
    ),
    bodies=(
        "{主}{d0}在{app}买了{product}，页面写着“下单即送{gift}”。收到货只有主机，问客服说赠品单独发，{ndays}过去了一点消息都没有。",
        "{主}{promo}在{store}买的{item}，店员说送{gift}，当时缺货让{我}先回去，到货通知{我}。一直没人通知，去问说活动结束了。",
        "{主}订单{order}里明明显示有赠品{gift}，物流签收后却没有。客服先说“赠品已送完”，又说“以实际发货为准”。",
    ),
    extras=(
        "赠品的事情{我}问了{times}，每次都换一个说法。",
        "活动页截图{我}都保存了。",
        "{我}就是看中这个赠品才选的这家。",
    ),
    causes=(
        ("staff", "02|赠品库存已耗尽，运营未及时下线活动页“下单即送”标识"),
        ("staff", "1|门店登记赠品欠货时未录入系统，到货后无人通知客户"),
        ("logistics_partner", "02|赠品与主商品分仓发货，赠品包裹在转运中遗失"),
    ),
    fixes=(
        "补发赠品并加急寄出，另赠购物券致歉",
        "赠品已无库存，按赠品价值折现补偿客户",
        "门店调货补送赠品，店长电话致歉",
    ),
    tasks=(
        ("product", "核查{promo}赠品库存与活动页展示是否一致"),
        ("logistics", "追查订单{order}赠品包裹去向"),
        ("store_ops", "核查{store}赠品欠货登记台账"),
    ),
)

_fam(
    "presale_deposit",
    "promise_broken",
    goods="appliance digital home",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="refund:3 compensation:3 explanation:1",
    slots={
        "deposit": ("50元", "100元", "200元", "30元", "20元"),
        "swell": ("抵300元", "抵500元", "翻三倍", "膨胀到200元"),
    },
    titles=(
        "02|预售定金{deposit}说好{swell}，付尾款时没抵扣",
        "02|{promo}预售定金膨胀不认账",
        "1|付了定金，尾款价格比现货还贵",
        "1|{promo}预售价比现货贵，定金还不退",
    ),
    bodies=(
        "{主}{d0}参加{promo}预售，付了{deposit}，页面写着尾款时{swell}。{d1}付尾款时只按原定金抵扣，客服说是“系统问题”，让{我}先付了再说。",
        "{主}在{app}预订了{product}，定金{deposit}{swell}。结果等到付尾款那天发现现货价比{我}付完定金加尾款还便宜。",
        "{主}预付了{item}的定金，说好{swell}并且优先发货，结果既没抵扣到位，发货也比现货晚了{ndays}。",
    ),
    extras=(
        "付定金的页面截图{我}还留着。",
        "定金不退这条规则写得很清楚，怎么优惠就不算数了？",
        "客服建议{我}“退定金重新下单”，可定金写明不退。",
    ),
    causes=(
        ("staff", "02|预售活动配置时膨胀金额录入错误，部分订单按原定金抵扣"),
        ("staff", "1|预售期间现货价格调整未同步保护预售用户价格"),
        ("undetermined", "活动规则页与商品详情页描述不一致，需进一步核实客户下单时的页面版本"),
    ),
    fixes=(
        "02|补足定金膨胀差额，原路退回客户",
        "1|按现货价格为客户退还差价并致歉",
        "为客户办理退款，定金全额退回",
    ),
    tasks=(
        ("tech", "核查订单{order}定金抵扣计算逻辑"),
        ("product", "复盘{promo}预售与现货价格联动规则"),
        ("finance", "核算并退还定金膨胀差额"),
    ),
)

_fam(
    "early_repay_penalty",
    "promise_broken",
    goods="appliance digital home finance",
    ref="contract",
    sev=(1, 5, 4, 1),
    demand="refund:4 explanation:2 compensation:1",
    prod="华启分期",
    titles=(
        "办理时说可随时提前还款，结清却收违约金",
        "分期提前还款被收{fee}违约金",
        "提前结清要付剩余全部手续费，与承诺不符",
    ),
    bodies=(
        "{主}{d0}办理华启分期时，客户经理说“随时可以提前还，不收任何费用”。{d1}{我}想一次性结清，系统显示要收{fee}的提前还款违约金，合同号{contract}。",
        "{主}用华启分期借了{price}，还了几期后手头宽裕想提前还清，客服说要把剩下几期的手续费一起交了，这跟当初说的完全不一样。",
        "{主}{d1}提前结清了分期，结清后才发现被扣了一笔{fee}的“提前还款服务费”，事前没有任何提示。",
    ),
    extras=(
        "签约时没人跟{我}提过违约金的事。",
        "合同里这一条字特别小，而且是在第七页。",
        "提前还款的页面上只写了“结清金额”，没拆分明细。",
    ),
    rants=("早还钱还要罚钱，什么道理？",),
    causes=(
        ("staff", "客户经理销售时承诺“提前还款免费用”，与合同约定不一致"),
        ("staff", "提前结清页面未展示费用明细，违反费用透明告知要求"),
        ("customer", "合同第6条已约定提前还款需支付剩余期数手续费的30%，客户签约时已确认"),
    ),
    fixes=(
        "退还已收取的提前还款违约金，并向客户致歉",
        "减免违约金的50%，并向客户出具费用说明",
        "为客户出具结清证明并退还多收费用",
    ),
    tasks=(
        ("finance", "核算合同{contract}提前结清费用并退还多收部分"),
        ("legal", "审查提前还款条款的告知方式是否符合监管要求"),
        ("tech", "在提前结清页面增加费用明细展示"),
        ("store_ops", "核查客户经理的销售承诺及录音"),
    ),
)

# ---- 专业技术失误 ----------------------------------------------------------------------------------

_fam(
    "fq_interest_calc",
    "technical_error",
    goods="finance",
    ref="contract",
    sev=(1, 5, 4, 1),
    demand="refund:4 explanation:3 compensation:1",
    titles=(
        "分期利息计算有误，每期多收{fee}",
        "02|华启分期账单利息与合同利率不符",
        "1|提前还了一部分，利息却没重新计算",
        "02|分期账单利息比合同约定高出一截",
        "3|分期短信告知的手续费与实际扣款不符",
    ),
    bodies=(
        "{主}{d0}办了华启分期，借款{price}，合同号{contract}，合同上写的月费率是0.5%。这个月账单出来一算，利息按0.75%收的，每期多了{fee}。",
        "{主}{d1}提前还了一半本金，按理说后面的利息应该按剩余本金算，可账单上每期的利息一分没少。客服说“系统按原计划计收”，问具体怎么算的又说不清。",
        "{主}在{app}查分期账单，发现第三期的利息比前两期高，合同里也没有浮动利率这一说。问客服说可能是“调整了计息方式”。",
        "{主}用华启分期做了{periods}期，{你们}短信里写的总手续费和实际扣的对不上，差了{fee}。",
    ),
    extras=(
        "{我}自己用计算器按合同算了三遍，都对不上。",
        "{我}是做财务的，这个账一看就有问题。",
        "客服给的还款计划表和App里的不一样。",
        "{我}要求出一份逐期计息明细，客服说“系统导不出来”。",
    ),
    rants=("钱多收了连个解释都没有？",),
    causes=(
        ("staff", "02|利率调整批处理任务错误覆盖了存量合同的执行利率"),
        ("staff", "1|部分提前还款后还款计划未重算，仍按原本金计息"),
        ("staff", "3|分期手续费在短信模板中按年化口径展示，与实际按月计收口径不一致"),
        ("customer", "02|经逐期核算，客户合同执行利率无误，差额为客户一笔逾期产生的罚息"),
    ),
    fixes=(
        "按合同利率重算并退还多收利息，向客户提供逐期计息明细",
        "重算还款计划，多收部分冲抵下期应还",
        "向客户逐项说明计息方式，并对罚息给予减免",
    ),
    tasks=(
        ("finance", "按合同{contract}约定利率重算全部已出账单"),
        ("tech", "排查利率批处理任务对存量合同的影响范围"),
        ("legal", "评估多收利息事项的监管报告义务"),
        ("quality", "抽检同批次合同计息结果"),
    ),
)

_fam(
    "double_charge",
    "technical_error",
    goods="appliance digital home baby",
    ref="order",
    sev=(1, 6, 4, 0),
    demand="refund:6 explanation:2",
    slots={"pay": ("华启联名卡", "银行卡", "微信", "支付宝", "储值卡")},
    titles=(
        "01|一笔订单被扣款两次，{price}至今未退",
        "01|付款失败重试后被重复扣款",
        "2|分期自动扣款重复扣了两期",
        "01|{item}订单重复扣款，客服说要等15个工作日",
        "1|门店POS机显示失败，实际扣了两次",
    ),
    bodies=(
        "{主}{d0}在{app}买{product}，第一次付款页面卡住提示失败，{我}又付了一次。结果{pay}被扣了两笔{price}，订单却只有一个。",
        "{主}{d0}在{store}结账，POS机刷{pay}显示失败，收银员让{我}再刷一次。回家一看短信，扣了两次{price}。",
        "{主}{d1}买{item}的华启分期自动扣款扣了两次，每次{monthly}，导致{我}卡里余额不够，房贷都差点没扣上。",
    ),
    extras=(
        "银行说钱已经付给商户了，让{我}找{你们}。",
        "客服说重复的那笔会“自动原路退回”，可{ndays}过去了还没到。",
        "{我}把两条扣款短信都截图了。",
        "这笔钱对{我}来说不是小数目，本来是要交房租的。",
    ),
    rants=("扣钱的时候那么快，退钱就要等半个月？",),
    causes=(
        ("staff", "0|支付网关超时后未做幂等校验，重复请求生成两笔扣款"),
        ("staff", "1|门店POS冲正交易未成功，收银员未核实即让客户重刷"),
        ("staff", "2|代扣任务在系统切换时重复执行"),
        ("third_party", "01|收单银行清算延迟，首笔扣款状态回传超时"),
    ),
    fixes=(
        "核实重复扣款属实，当日发起退款并加急处理",
        "人工发起冲正，重复款项两个工作日内到账，并补偿客户",
        "退还重复扣款，免除当期可能产生的逾期费用",
    ),
    tasks=(
        ("finance", "核对重复扣款流水并发起加急退款"),
        ("tech", "02|排查支付网关（代扣任务）重复扣款问题"),
        ("store_ops", "1|核查{store}收银员重刷操作规范执行情况"),
    ),
)

_fam(
    "credit_report",
    "technical_error",
    goods="finance",
    ref="contract",
    sev=(0, 2, 5, 4),
    demand="explanation:2 compensation:3 apology:2",
    titles=(
        "0|按时还款却被上报征信逾期",
        "02|征信报告出现华启分期逾期记录，申请异议",
        "0|征信逾期记录影响房贷审批",
        "1|已结清的分期在征信上显示未结清",
        "2|一笔{amt_s}的费用扣款失败被报征信逾期",
    ),
    bodies=(
        "{主}准备办房贷，{d1}查征信发现有一条华启分期的逾期记录，合同号{contract}。可{我}每期都是按时还的，还款记录都能查到。",
        "{主}{d0}已经把华启分期全部结清，结清证明也拿了，结果征信上还显示“正常还款中”，余额{price}，银行说这样会影响贷款额度。",
        "{主的}华启分期因为一笔{amt_s}的账户管理费没扣成功，被报了逾期，可这笔费用当初说好是免的。现在征信上有了污点，车贷被拒了。",
    ),
    extras=(
        "01|银行给的期限只剩一周，再不更正房子就买不成了。",
        "02|{我}从来没有收到过任何逾期提醒短信或电话。",
        "{我}已经向征信中心提交了异议申请。",
        "客服说“征信更新需要一到两个月”，可{我}等不起。",
    ),
    rants=("你们一个错误，毁了我的信用！", "征信是能随便报错的吗？"),
    causes=(
        ("staff", "0|还款入账日与征信报送日跨批次，系统将当日还款误判为逾期并报送"),
        ("staff", "1|结清合同未触发征信结清报送，数据仍为在贷状态"),
        ("staff", "2|费用减免标识未同步至核心系统，系统自动扣收失败后按逾期处理"),
        ("customer", "02|客户当期还款日账户余额不足，扣款失败，逾期报送符合规定"),
    ),
    fixes=(
        "确认报送错误，已向征信系统提交更正并为客户出具情况说明",
        "为客户出具非恶意逾期证明，协助其与贷款银行沟通",
        "更正征信记录，免除相关费用并书面致歉",
    ),
    tasks=(
        ("finance", "核对合同{contract}还款流水与征信报送记录"),
        ("tech", "修复结清合同征信报送漏报问题并排查同类合同"),
        ("legal", "出具征信异议处理意见及客户情况说明函"),
    ),
)

_fam(
    "autopay_fail",
    "technical_error",
    goods="finance",
    ref="card",
    sev=(1, 5, 4, 0),
    demand="refund:2 explanation:3 compensation:2",
    titles=(
        "0|绑定了自动还款却显示逾期，被收滞纳金",
        "1|还款已付款但账单显示未入账",
        "2|还款日当天还款被算逾期，罚息{fee}",
    ),
    bodies=(
        "{主的}{card}开通了自动还款，{d1}却收到短信说逾期了，还扣了{fee}的违约金。查了借记卡，钱明明是够的。",
        "{主}{d1}在{app}还了{monthly}，页面显示“还款成功”，可第二天账单还是未还状态，又被扣了一次。",
        "{主}在还款日{hour}还的款，{你们}系统显示次日入账，算{我}逾期一天，收了罚息{fee}。",
    ),
    extras=("{我}用{你们}的卡好几年，从没逾期过。", "还款成功的截图{我}都有。", "客服只会说“以系统为准”。"),
    causes=(
        ("staff", "0|自动还款签约信息在换卡后未迁移，导致扣款失败"),
        ("staff", "2|还款日22点后的还款按次日入账，规则未在还款页明示"),
        ("third_party", "01|合作银行代扣通道当日故障，扣款未成功"),
        ("customer", "0|客户借记卡当日余额不足，扣款失败"),
        ("staff", "1|还款渠道入账回执延迟，账单状态未及时更新并触发重复扣款"),
    ),
    fixes=(
        "撤销违约金及罚息，确认不上报逾期",
        "补签自动还款协议，退还相关费用并致歉",
        "说明入账规则并为客户一次性减免罚息",
    ),
    tasks=(
        ("finance", "撤销客户本期违约金和罚息"),
        ("tech", "排查换卡后自动还款签约未迁移的问题"),
        ("product", "在还款页增加入账时间提示"),
    ),
)

_fam(
    "checkout_overcharge",
    "technical_error",
    goods="fresh food baby apparel",
    slots={"weighed": ("车厘子", "排骨", "虾仁", "散装坚果", "牛腩", "草莓")},
    ref="none",
    sev=(6, 5, 1, 0),
    demand="refund:4 explanation:2 apology:2",
    titles=(
        "03|货架标价与结账价格不符，多收{diff}",
        "03|{item}促销价没生效，收银按原价结算",
        "1|收银员重复扫码，小票多出一件",
        "2|称重商品计价错误，多收钱",
        "2|{store}电子秤不准，{weighed}缺斤短两",
    ),
    bodies=(
        "{主}{d0}在{store}买{product}，货架上的价签写的是促销价，结账时按原价收了{price}，多了{diff}。",
        "{主}{d1}在{store}买东西，回家对小票发现{item}被扫了两次，多收了{price}。",
        "{主}在{store}称了一盒{weighed}，电子秤标签上的重量和{我}回家自己称的差了将近二两。",
        "{主}{d0}在{store}买了{item}，收银台显示的会员价和价签不一样，问收银员，说“价签没来得及换”。",
    ),
    extras=(
        "去服务台退差价，还要{我}自己证明价签是怎么写的。",
        "{我}拍了价签照片。",
        "排队{wait}才轮到{我}，退差价又排了一遍。",
        "这种事如果不对小票，根本发现不了。",
    ),
    causes=(
        ("staff", "03|促销价格已在系统生效，但门店未及时更换价签"),
        ("staff", "1|收银员扫码时商品条码重复读取，未核对数量"),
        ("product", "2|电子秤未按期校准，计重偏差超出允许范围"),
        ("customer", "03|客户所购商品规格与价签对应规格不同"),
    ),
    fixes=(
        "03|退还客户差价，并按“价签不符”规则额外补偿",
        "当场退还多收款项，店长当面致歉",
        "2|对门店电子秤全部重新校准，退还差额",
    ),
    tasks=(
        ("store_ops", "03|检查{store}促销价签与系统价格一致性"),
        ("quality", "2|对{store}电子秤开展计量校准"),
        ("tech", "1|核查收银系统当日重复扫码记录"),
        ("store_ops", "12|对{store}收银及称重岗位进行复训"),
    ),
)

_fam(
    "wrong_item",
    "technical_error",
    goods="appliance digital apparel baby home",
    ref="order",
    sev=(3, 6, 2, 0),
    demand="replacement:5 refund:2 compensation:1",
    slots={
        "wrongness": (
            "颜色不对",
            "型号发错了",
            "规格发错了",
            "发成了二手翻新机",
            "配置低了一档",
            "数量少了一件",
        )
    },
    titles=(
        "收到的{item}{wrongness}",
        "订单{order}发错货，换货流程太慢",
        "买的高配到手低配，{item}发错型号",
    ),
    bodies=(
        "{主}{d0}在{app}买的{product}，{d1}收到拆开一看{wrongness}。{我}联系客服换货，说要先寄回去，等仓库收到再发新的。",
        "{主}买的是{product}，收到的外包装是对的，里面的东西{wrongness}。这明显是仓库发货的问题。",
        "{主}{d0}下单的{item}，订单号{order}，到货后发现{wrongness}，而且包装有拆过的痕迹。",
    ),
    extras=("{我}拍了开箱视频。", "本来是要送人的，现在时间全耽误了。", "客服让{我}自己去寄回，运费先垫付。"),
    causes=(
        ("staff", "仓库拣货员扫码复核缺失，相邻库位商品拣错"),
        ("staff", "退货商品质检后未正确标记，被作为新品二次出库"),
        ("third_party", "供应商贴标错误，外包装型号与内装实物不符"),
    ),
    fixes=(
        "安排上门取件同时送新，当天完成换货",
        "为客户换新并补偿，运费由我司承担",
        "客户选择退货退款，已加急原路退回",
    ),
    tasks=(
        ("logistics", "安排订单{order}换货上门取送"),
        ("quality", "追查退货商品二次出库问题并盘点同库位库存"),
        ("product", "通知供应商排查贴标批次"),
    ),
)

_fam(
    "install_damage",
    "technical_error",
    goods="appliance home",
    ref="order",
    sev=(0, 3, 5, 2),
    demand="compensation:5 repair:2 apology:1",
    slots={
        "damage": (
            "打孔打穿了墙里的水管",
            "把地板划了一道长痕",
            "把瓷砖打裂了",
            "把吊顶弄塌了一块",
            "装歪了还漏水",
            "接错了线导致跳闸",
        )
    },
    titles=(
        "安装师傅{damage}",
        "{item}安装时损坏家中装修，拒不赔偿",
        "安装操作失误造成财产损失",
    ),
    bodies=(
        "{主}{d0}买的{product}，{d1}师傅上门安装，{damage}。师傅说不是他的问题，拍拍屁股走了。",
        "{主属}家的{item}是{你们}派的师傅装的，装完第二天发现{damage}，找网点，网点说要走保险，拖了{ndays}没人管。",
        "{主}{d1}请{你们}的师傅上门装{item}，师傅操作不规范，{damage}，事后还不认账。",
    ),
    extras=(
        "维修装修的报价已经{amt_l}了。",
        "{我}有现场照片和视频。",
        "师傅当时还说“小问题，补补就行”。",
        "师傅走的时候连现场都没清理。",
    ),
    rants=("装个东西把家都拆了！",),
    causes=(
        ("third_party", "合作网点安装师傅未使用探测仪即打孔，违反安装作业规范"),
        ("third_party", "安装师傅未按规定铺设保护垫，搬运中损坏地面"),
        ("staff", "派单时未核实师傅资质，派出的师傅无该品类安装认证"),
        ("undetermined", "墙内管线走向与物业图纸不符，责任需进一步鉴定"),
    ),
    fixes=(
        "由我司先行赔付维修费用，再向安装网点追偿",
        "安排专业维修队上门修复，费用全部由我司承担",
        "委托第三方评估损失后按评估结果赔偿",
    ),
    tasks=(
        ("store_ops", "核查安装网点及师傅资质，暂停涉事师傅派单"),
        ("legal", "评估财产损失赔偿责任及向网点追偿方案"),
        ("finance", "核算并先行垫付客户维修费用"),
        ("quality", "对该网点近期安装工单开展回访抽查"),
    ),
)

_fam(
    "coupon_glitch",
    "technical_error",
    goods="appliance digital fresh baby apparel home food",
    ref="order",
    sev=(6, 5, 1, 0),
    demand="compensation:4 refund:2 explanation:2",
    slots={"coupon": ("满1000减150的券", "50元无门槛券", "新人券", "店铺满减券", "会员专享券", "家电补贴券")},
    titles=(
        "0|下单时{coupon}没生效，被按原价扣款",
        "1|App故障，优惠券被吞了",
        "1|系统卡顿订单被自动取消，优惠没了",
        "2|{coupon}还没到期就提示失效",
        "0|结算页勾选了{coupon}，付款却没减",
    ),
    bodies=(
        "{主}{d0}在{app}买{product}，结算页明明勾选了{coupon}，付款后发现没减，付了{price}。",
        "{主}{promo}零点抢购{item}，付款时App一直转圈，再进去订单被自动取消了，{coupon}也显示已使用。",
        "{主}领了{coupon}，{d1}下单时提示“券已失效”，可有效期明明还没过。",
    ),
    extras=("{我}截了好几张图。", "客服让{我}“清除缓存重试”，可券已经没了。", "同事同一时间下单的券就能用。"),
    causes=(
        ("staff", "0|大促高峰期优惠计算服务降级，部分订单未应用优惠券"),
        ("staff", "1|订单取消后优惠券回退任务失败，券状态未恢复"),
        ("staff", "2|优惠券有效期按UTC时区计算，导致提前8小时失效"),
    ),
    fixes=("补发同等面额优惠券，并按原应付金额退还差价", "恢复客户优惠券并延长有效期", "退还差价并补偿客户"),
    tasks=(
        ("tech", "排查{promo}期间优惠计算服务降级影响的订单"),
        ("finance", "为受影响订单批量退还差价"),
        ("product", "修订优惠券失效时间的展示口径"),
    ),
)

_fam(
    "invoice_error",
    "technical_error",
    goods="appliance digital home",
    ref="order",
    sev=(5, 5, 1, 0),
    demand="explanation:3 replacement:2 compensation:1",
    prod="电子发票",
    slots={"inv": ("抬头开错了", "税号少了一位", "金额比实付多", "开成了个人发票", "商品名称写成了“日用品”")},
    titles=("02|申请的增值税专票{inv}", "1|发票开错要求重开，两周没处理", "02|{item}订单发票{inv}，无法报销"),
    bodies=(
        "{主}{d0}在{app}买了{product}，开的公司发票，收到一看{inv}，公司财务不给报销。",
        "{主}申请重开发票已经{ndays}了，系统一直显示“审核中”，客服说开票部门很忙。",
        "{主}订单{order}的电子发票{inv}，{我}在App里申请换开，提交三次都失败。",
    ),
    extras=(
        "报销截止日是月底，再拖就过期了。",
        "发票信息{我}在下单时就填对了，有截图。",
        "客服说只能作废重开，但作废按钮是灰的。",
    ),
    causes=(
        ("staff", "开票人员手工修改发票信息时录入错误"),
        ("staff", "换开发票接口与税控系统对接异常，申请未提交成功"),
        ("customer", "客户下单时保存的发票抬头为旧公司名称"),
    ),
    fixes=(
        "作废原发票并于当日重开，邮寄纸质版",
        "人工处理换开申请，两小时内推送新电子发票",
        "为客户重开并出具情况说明以便报销",
    ),
    tasks=(("finance", "作废并重开订单{order}的发票"), ("tech", "修复换开发票接口异常")),
)

# ---- 服务态度争议 ----------------------------------------------------------------------------------

_fam(
    "collection_harass",
    "attitude",
    goods="finance",
    ref="contract",
    sev=(0, 3, 5, 2),
    demand="punish_staff:3 apology:3 explanation:1",
    slots={"freq": ("一天打了十几个", "从早上八点打到晚上十点", "连着一周每天二十多个", "半夜十一点还在打")},
    titles=(
        "华启分期催收电话{freq}",
        "01|逾期几天就被催收辱骂",
        "催收人员言语威胁，要求严肃处理",
        "0|催收扬言通知单位，影响工作",
        "2|已还清逾期款，催收电话仍不停",
    ),
    bodies=(
        "{主的}华启分期{d1}晚还了一天，当天就开始接到催收电话，{freq}。对方语气很冲，说“再不还就上门”，还说要通知{我}单位。",
        "{主}因为住院晚还了几天，跟催收说明了情况，对方根本不听，张口就说“没钱借什么钱”，还骂了脏话。合同号{contract}。",
        "{主}{d1}已经把逾期的{monthly}还上了，{我}把还款截图发过去，催收的电话还是不停，{freq}。",
    ),
    extras=(
        "{我}有通话录音，对方说的每句话都录下来了。",
        "同事都知道{我}被催债了，{我}在单位抬不起头。",
        "来电号码每次都不一样，拉黑都拉不过来。",
        "{我}不是不还，只是晚了两天。",
    ),
    rants=("欠钱还钱天经地义，但你们不能这样羞辱人！", "这跟讨债公司有什么区别？"),
    causes=(
        ("third_party", "委外催收机构作业人员违反催收行为规范，使用侮辱性语言"),
        ("staff", "还款入账后催收名单未及时更新，导致已还款客户被继续催收"),
        ("staff", "催收策略配置错误，单日外呼频次超过规定上限"),
    ),
    fixes=(
        "暂停对客户的一切催收，向客户书面致歉，对委外机构扣罚并更换作业人员",
        "核实已还款后移出催收名单，主管回电致歉",
        "对涉事催收员停岗处理，处理结果告知客户",
    ),
    tasks=(
        ("legal", "调取催收录音，评估催收行为合规风险"),
        ("finance", "核实合同{contract}还款状态并移出催收名单"),
        ("quality", "抽检委外催收机构近一个月通话录音"),
        ("tech", "修正催收外呼频次上限配置"),
    ),
)

_fam(
    "store_rude",
    "attitude",
    goods="appliance digital apparel home baby",
    ref="none",
    sev=(2, 6, 3, 0),
    demand="apology:4 punish_staff:3 explanation:1",
    slots={
        "rude_line": (
            "“买不起就别看”",
            "“你到底买不买”",
            "“问那么多干嘛，自己看”",
            "“别摸坏了，摸坏了要赔的”",
            "“我下班了，找别人去”",
        ),
    },
    titles=(
        "{store}店员态度恶劣，说{rude_line}",
        "门店导购冷嘲热讽，要求道歉",
        "咨询{item}被店员翻白眼",
    ),
    bodies=(
        "{主}{d1}{hour}在{store}看{item}，问了几个问题，{staff}不耐烦地说{rude_line}，旁边好几个顾客都听到了。",
        "{主}{d1}去{store}想试一下{item}，{staff}一直在玩手机，叫了三遍才过来，过来就说{rude_line}。",
        "{主}带着{kin}在{store}挑{item}，{kin}多问了两句，{staff}当着面说{rude_line}，{kin}当场就不想买了。",
    ),
    extras=(
        "{我}当时就要了她的工号，她不给。",
        "店长在旁边也没制止。",
        "{我}在{你们}家买了好几年东西，第一次受这种气。",
        "门店监控应该都能看到。",
    ),
    rants=("你们就是这么培训员工的？",),
    causes=(
        ("staff", "涉事员工服务意识欠缺，经调取监控确认存在不当言语"),
        ("staff", "门店当日排班不足，员工连续工作后情绪失控，但不当言行事实成立"),
        ("undetermined", "监控无音频，涉事员工否认，双方陈述不一"),
    ),
    fixes=(
        "店长带涉事员工当面向客户致歉，员工停岗培训",
        "店长电话致歉并赠送购物卡，对员工进行绩效处理",
        "向客户说明核查情况，加强门店服务用语培训",
    ),
    tasks=(
        ("store_ops", "调取{store}{d1}监控，核实员工服务态度"),
        ("quality", "对{store}开展服务规范神秘顾客检查"),
    ),
)

_fam(
    "cs_hangup",
    "attitude",
    goods="appliance digital fresh baby home",
    ref="mixed",
    sev=(2, 6, 3, 0),
    demand="apology:4 punish_staff:3 explanation:1",
    titles=(
        "0|客服不耐烦，话没说完就挂电话",
        "1|在线客服机械回复，转人工后被怼",
        "02|{agent}态度敷衍，要求处理",
        "2|客服全程叹气，说“你这种情况我们见多了”",
    ),
    bodies=(
        "{主}{d1}打{hotline}问{item}的售后，排了{wait}才接通，{agent}听了两句就说“这个我们处理不了”，{我}还没说完就被挂了。",
        "{主}在{app}里找在线客服，机器人回复了十几轮都是废话，好不容易转到人工，对方回了一句“按规定就是这样”就不理了。",
        "{主}{d1}跟{agent}反映问题，对方全程叹气，还说“你这种情况我们见多了”。",
    ),
    extras=(
        "02|通话时间和来电号码{我}都记下了。",
        "02|{我}又打过去，接电话的还是同一个人。",
        "客服说话的语气就像{我}欠了钱一样。",
        "1|聊天记录{我}都截图了。",
    ),
    rants=("客服就是这个态度？",),
    causes=(
        ("staff", "02|经调取录音，客服未按规范完整记录诉求即结束通话"),
        ("staff", "1|在线客服转人工时未传递会话记录，人工客服未阅读前序对话即答复"),
        ("undetermined", "0|通话中途信号中断，系统记录为客户端挂断"),
    ),
    fixes=(
        "客服主管回电致歉并一次性解决客户问题",
        "对涉事客服扣罚绩效并复训",
        "优化转人工会话记录传递，向客户致歉",
    ),
    tasks=(
        ("quality", "02|调取客户{d1}通话录音进行服务质检"),
        ("quality", "1|调取客户在线会话记录进行服务质检"),
        ("tech", "1|修复转人工时会话记录未同步的问题"),
        ("product", "1|优化在线机器人转人工的触发规则"),
    ),
)

_fam(
    "courier_rude",
    "attitude",
    goods="appliance fresh baby home food digital",
    ref="order",
    sev=(2, 5, 3, 0),
    demand="apology:4 punish_staff:3 compensation:1",
    titles=(
        "0|{courier}配送员态度恶劣，让自己下楼拿",
        "1|配送员辱骂客户，还把东西扔在门口",
        "0|配送员电话里大吼，要求道歉",
        "2|配送员骂骂咧咧，还说记住了家庭住址",
        "{courier}配送员态度恶劣，要求处理",
    ),
    bodies=(
        "{主}{d1}在家等{item}，{courier}的配送员打电话让{我}下楼拿，{我}说家里有小孩走不开，对方说“不下来就退回去”，直接挂了。",
        "{主}{d1}收{item}时说了句“箱子怎么破了”，配送员就开始嚷嚷，说“爱要不要”，把东西往地上一扔就走了。",
        "{主}让配送员放门口，对方说放不了，{我}解释了两句，他就骂骂咧咧，还说记住{我}家地址了。",
    ),
    extras=(
        "{我}家门口有监控，全程都拍下来了。",
        "配送员的电话是{phone_tail}结尾的。",
        "02|{我}一个人带孩子在家，真的有点害怕。",
    ),
    rants=("记住我家地址是什么意思？",),
    causes=(
        ("logistics_partner", "{courier}配送员服务态度恶劣，经监控核实存在辱骂行为"),
        ("logistics_partner", "该片区配送员负荷过重，存在要求客户自提的违规行为"),
    ),
    fixes=(
        "要求{courier}对涉事配送员调离片区并书面致歉",
        "对配送合作方考核扣款，安排专人回访客户",
        "由站点负责人上门致歉",
    ),
    tasks=(
        ("logistics", "约谈{courier}站点负责人并跟进对配送员的处理"),
        ("quality", "对该片区近期配送评价进行抽查"),
    ),
)

_fam(
    "security_search",
    "attitude",
    goods="apparel food digital baby",
    ref="none",
    sev=(0, 2, 5, 3),
    demand="apology:5 punish_staff:4 compensation:1",
    titles=(
        "01|被{store}保安当众怀疑偷东西",
        "0|出门报警器响，被保安要求当众翻包",
        "被店员诬陷偷窃，要求公开道歉",
        "2|孩子拿着自带玩具被店员当成偷窃",
    ),
    bodies=(
        "{主}{d1}在{store}买完东西出门，报警器响了，保安拦住{我}，当着一堆人的面要求{我}把包打开，最后发现是收银员没消磁。",
        "{主}在{store}试了件衣服没买，出门时被两个保安跟着，问{我}“是不是拿了什么”，当时周围全是人。",
        "{主}带着{child}在{store}逛，孩子手里拿着自己带的玩具，店员非说是店里的，要求去办公室“核实”。",
    ),
    extras=(
        "{我}当时真的羞愧得想找个地缝钻进去。",
        "事后连一句道歉都没有。",
        "{我}要求调监控，店里说“监控坏了”。",
        "{child}吓得哭了一路。",
    ),
    rants=("我的名誉谁来赔？", "凭什么把顾客当贼？"),
    causes=(
        ("staff", "0|收银员未对商品消磁，保安处置流程不当，当众要求翻包"),
        ("staff", "12|防损员凭主观判断怀疑顾客，违反防损作业规范"),
    ),
    fixes=(
        "店长携涉事人员当面致歉，并书面致歉，防损岗位人员调岗",
        "对门店防损处置流程全面整改，向客户公开致歉",
        "赔偿客户精神损失并全店培训",
    ),
    tasks=(
        ("store_ops", "调取{store}出入口监控，复盘防损处置过程"),
        ("legal", "评估客户名誉权主张的法律风险"),
        ("quality", "修订门店防损处置规范并组织培训"),
    ),
)

_fam(
    "installer_rude",
    "attitude",
    goods="appliance home",
    ref="order",
    sev=(1, 5, 3, 0),
    demand="punish_staff:4 apology:2 refund:1",
    slots={
        "misdeed": (
            "在家里抽烟",
            "索要两百块“辛苦费”",
            "不穿鞋套踩得满地泥",
            "强行推销高价配件",
            "说“不给好评就不装”",
        ),
    },
    titles=("安装师傅{misdeed}", "上门师傅态度差，{misdeed}", "{item}安装过程中师傅{misdeed}"),
    bodies=(
        "{主}{d1}预约师傅上门装{item}，师傅一进门就{misdeed}，{我}提醒了一句，他就摆脸色，装完东西也没收拾。",
        "{主}买的{product}包安装，师傅来了以后{misdeed}，还说“不给的话装出问题别找我”。",
        "{主属}家里装{item}，师傅全程{misdeed}，临走前还要{我}当面给五星好评。",
    ),
    extras=(
        "家里有孕妇和老人，这样的上门服务让人很不放心。",
        "{我}问他要工号，他不给。",
        "装完的{item}到现在还有点歪。",
    ),
    causes=(
        ("third_party", "合作网点安装师傅违反上门服务规范"),
        ("third_party", "网点对师傅私收费用的监督缺失"),
    ),
    fixes=(
        "网点负责人上门致歉，退还师傅私收款项，对师傅停单处理",
        "更换网点重新上门检查安装质量",
        "对网点考核扣款并回访客户",
    ),
    tasks=(
        ("store_ops", "核查安装网点师傅上门服务违规情况"),
        ("quality", "回访该师傅近期服务客户"),
        ("finance", "退还客户被私收的费用"),
    ),
)

_fam(
    "buck_passing",
    "attitude",
    goods="appliance digital home baby apparel",
    ref="order",
    sev=(1, 5, 4, 1),
    demand="explanation:3 apology:2 compensation:2",
    titles=(
        "线上说找门店，门店说找线上，来回推诿",
        "{item}售后问题被各部门踢皮球{ndays}",
        "客服、门店、厂家互相推责任",
    ),
    bodies=(
        "{主}{d0}在{app}买的{product}，出了问题找线上客服，说是门店发的货让找门店；去了{store}，店员说线上订单他们管不了。",
        "{主的}{item}坏了，{你们}客服说找厂家，厂家说是{你们}自营要找{你们}，{我}来回打了{times}电话，谁都不管。",
        "{主}为了{item}的问题跑了两趟{store}，每次都说“要请示”，一个月了连个明确答复都没有。",
    ),
    extras=(
        "每个人都很客气，但就是没人解决问题。",
        "{我}把每次沟通的时间、人名都记在本子上了。",
        "最后一次客服说“建议您再等等”。",
    ),
    rants=("你们内部的事情凭什么让顾客来回跑？",),
    causes=(
        ("staff", "线上订单门店发货模式下售后责任归属未明确，首问负责制未执行"),
        ("staff", "客服知识库中该品类售后路径描述错误"),
        ("third_party", "品牌方售后与我司自营售后的对接流程存在空白"),
    ),
    fixes=(
        "指定专人首问负责，三日内完成售后并致歉",
        "明确售后归口，由门店上门处理并补偿",
        "与品牌方建立直通通道，为客户一次性解决",
    ),
    tasks=(
        ("store_ops", "明确线上订单门店发货模式的售后归口"),
        ("product", "更新客服知识库中{item}售后路径"),
        ("quality", "复盘该客户各次来电的首问负责执行情况"),
    ),
)

_fam(
    "elder_mocked",
    "attitude",
    goods="fresh food home",
    ref="none",
    sev=(1, 4, 4, 1),
    demand="apology:5 punish_staff:3",
    titles=(
        "0|收银员嘲笑老人不会用手机付款",
        "{store}店员对老年顾客不耐烦，态度冷漠",
        "1|老人用现金付款被店员嫌麻烦",
        "2|老人问路被店员一句“自己找”打发",
    ),
    bodies=(
        "{主属}{kin}{d1}去{store}买菜，用手机付款时操作慢了点，收银员当着后面排队的人说“不会用就别用”，{kin}回家难过了好久。",
        "{主属}{kin}七十多岁了，在{store}结账时想用现金，收银员嫌找零麻烦，一直催，还翻白眼。",
        "{主属}{kin}在{store}问{item}放在哪，店员头都没抬，说“自己找”，老人在店里转了半个小时。",
    ),
    extras=(
        "老人家本来就不会用智能手机，需要耐心一点。",
        "{我}后来带着{kin}回去找店长，店长态度倒还可以。",
        "{kin}说以后再也不去那家店了。",
    ),
    rants=("谁家没有老人？",),
    causes=(
        ("staff", "收银员服务意识欠缺，对老年顾客缺乏耐心，存在不当言语"),
        ("staff", "1|门店未落实老年顾客现金支付保障要求"),
    ),
    fixes=(
        "店长带收银员登门向老人致歉，收银员调岗培训",
        "门店设立“银发通道”，并电话向客户家属致歉",
        "组织全店老年顾客服务培训",
    ),
    tasks=(
        ("store_ops", "核实{store}收银员对老年顾客的服务情况"),
        ("quality", "检查门店现金支付及老年顾客服务保障落实情况"),
    ),
)

_fam(
    "card_cs_rude",
    "attitude",
    goods="finance",
    ref="card",
    sev=(1, 6, 3, 0),
    demand="apology:4 punish_staff:3 explanation:1",
    titles=(
        "0|咨询年费被客服怼“自己不看合同”",
        "1|申请临时调额，客服态度傲慢反复要材料",
        "2|联名卡客服推销不成就甩脸色",
        "信用卡客服服务态度差，要求处理",
    ),
    bodies=(
        "{主}打电话咨询{card}的年费问题，客服张口就是“合同上写得清清楚楚，自己不看怪谁”。",
        "{主}{d1}申请临时调额，客服要{我}反复提供收入证明，{我}问为什么，对方说“不想办可以不办”。",
        "{主}打电话只是想问还款日，客服一直推销现金分期，{我}说不需要，她语气马上就变了，说“那你打电话干嘛”。",
    ),
    extras=(
        "通话时间是{d1}{hour}。",
        "{我}用{你们}的卡好多年了，从来没逾期过。",
        "{我}要求转主管，被告知主管在开会。",
    ),
    causes=(
        ("staff", "01|客服答复生硬，未遵循标准服务用语"),
        ("staff", "2|客服为完成营销指标在服务来电中过度推销"),
    ),
    fixes=(
        "0|客服主管回电致歉，并为客户解答年费问题",
        "2|对涉事客服进行辅导，调整服务来电营销规则",
        "0|向客户致歉并减免当年年费",
        "1|主管回电致歉，并说明调额所需材料及原因",
    ),
    tasks=(
        ("quality", "调取客户来电录音进行质检"),
        ("product", "2|调整服务来电中营销推荐的触发规则"),
        ("finance", "0|核实客户{card}年费减免条件"),
        ("finance", "1|复核客户{card}临时调额申请"),
    ),
)

_fam(
    "aftersales_blame",
    "attitude",
    goods="appliance digital baby home apparel",
    ref="order",
    sev=(2, 5, 3, 0),
    demand="apology:3 explanation:2 repair:2 replacement:1",
    titles=("售后人员指责客户使用不当，拒绝保修", "去售后点修{item}被当成故意损坏", "售后检测敷衍，态度强硬"),
    bodies=(
        "{主的}{item}用了不到两个月就坏了，送到售后，工作人员看都没仔细看就说“肯定是你自己摔的”，还阴阳怪气地问{我}是不是想骗保修。",
        "{主}{d1}带着{item}去{store}售后，对方一口咬定是“使用不当”，{我}要求出检测报告，他说“爱修不修”。",
        "{主}反映{product}有质量问题，售后上门后对着{我}说教了半天，说{我}不会用，最后也没修好。",
    ),
    extras=("{我}一直是按说明书使用的。", "售后的人说话一直带着嘲讽。", "{我}要求换个人检测，被拒绝了。"),
    causes=(
        ("staff", "售后人员未按检测流程出具检测结论即下判断，服务用语不当"),
        ("product", "经复检确认为产品本身故障，不属于使用不当"),
        ("customer", "复检确认存在外力损坏痕迹，但售后人员沟通方式不当"),
    ),
    fixes=(
        "复检后确认属质量问题，为客户免费维修并致歉",
        "对售后人员进行服务规范培训，为客户换新",
        "出具复检报告，向客户解释并就沟通方式致歉",
    ),
    tasks=(("quality", "对客户{item}进行复检并出具报告"), ("store_ops", "对{store}售后人员服务用语进行整改")),
)

# ---- 特殊需求 --------------------------------------------------------------------------------------

_fam(
    "elderly_app_refund",
    "special_needs",
    goods="fresh food baby apparel home appliance",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="refund:5 explanation:1 apology:1",
    titles=(
        "老人不会用App申请退款，要求人工办理",
        "七旬老人退货被要求“线上操作”",
        "老年客户无法在App上传凭证，退款卡住",
    ),
    bodies=(
        "{主属}{kin}今年七十多了，{d0}在{app}买了{product}，收到后发现不合适想退。客服一直让她“在App里点申请售后”，她根本不会操作，打电话也转不到人工。",
        "{主属}{kin}年纪大了，由{我}代为反映：{kin}{d0}买的{item}有问题，客服要求在App上传照片，老人眼睛不好也不会拍照上传，问能不能电话办，说“系统只支持线上”。",
        "{主属}{kin}去{store}想退{item}，店员说是线上订单，要她自己在手机上操作，老人在店里站了快一个小时也没弄明白。",
    ),
    extras=(
        "老人家不是不讲理，就是真的不会用。",
        "{我}在外地上班，没法天天帮她弄。",
        "{kin}一着急血压就上来了。",
        "电话按键菜单要按好几层，老人根本听不清。",
    ),
    rants=("现在什么都要手机，老人怎么办？",),
    causes=(
        ("staff", "客服未启用老年客户人工代办流程，机械引导线上操作"),
        ("staff", "门店对线上订单退货的代办规则不熟悉"),
        ("staff", "语音导航层级过多，未设置老年客户一键转人工"),
    ),
    fixes=(
        "由客服代客户提交售后申请，安排上门取件，退款原路退回",
        "门店为老人现场代办退货，并留存家属联系方式便于后续服务",
        "开通老年客户专属人工通道并回访致歉",
    ),
    tasks=(
        ("store_ops", "明确门店为老年客户代办线上订单退货的流程"),
        ("tech", "在语音导航中为登记的老年客户设置一键转人工"),
        ("logistics", "安排上门取件"),
    ),
)

_fam(
    "visually_impaired",
    "special_needs",
    goods="appliance digital fresh food",
    ref="mixed",
    sev=(2, 6, 2, 0),
    demand="explanation:3 apology:2 compensation:1",
    titles=(
        "0|App改版后读屏软件无法识别按钮",
        "01|视障客户无法正常使用App，需要语音服务",
        "1|盲人客户要求电话代下单被拒",
        "2|视障客户要求提供语音版说明书",
    ),
    bodies=(
        "{主属}是视障人士，平时靠手机读屏软件购物。{d1}{你们}App改版后，很多按钮读出来只有“按钮”两个字，根本不知道点的是什么，下单{item}时误买了两件。",
        "{主属}视力一级残疾，打{hotline}想让客服帮忙下单{item}，客服说只能在App自助下单，不能代下单。",
        "{主属}眼睛看不见，收到{product}后说明书只有纸质小字版，问能不能提供语音版或者电话讲解，客服说没有这项服务。",
    ),
    extras=(
        "0|以前的版本{我}用得挺顺手的。",
        "{我}不需要特殊照顾，只需要能正常购物。",
        "0|验证码是图片形式的，读屏读不出来。",
        "12|{我}的残疾证可以提供。",
    ),
    causes=(
        ("staff", "0|App改版未进行无障碍适配测试，新控件缺少读屏标签"),
        ("staff", "1|客服未掌握视障客户电话代下单的特殊服务流程"),
        ("product", "2|商品未提供无障碍说明书，供应商资料缺失"),
    ),
    fixes=(
        "0|修复读屏标签问题，为客户办理误购商品退款并致歉",
        "1|开通视障客户电话代下单服务，由专人对接",
        "2|安排客服电话逐项讲解产品使用方法，并补发语音说明",
    ),
    tasks=(
        ("tech", "0|对App改版页面开展无障碍适配排查"),
        ("product", "2|协调供应商提供{item}语音版说明书"),
        ("quality", "12|在客服知识库补充视障客户服务流程"),
        ("finance", "0|为客户办理误购商品退款"),
    ),
)

_fam(
    "hearing_impaired",
    "special_needs",
    goods="appliance digital home",
    ref="mixed",
    sev=(2, 6, 2, 0),
    demand="explanation:3 apology:2 cancel:1",
    titles=(
        "0|听障客户只能文字沟通，客服坚持电话核身",
        "0|聋人客户要求文字客服，被告知只能打电话",
        "2|听障客户无法完成语音验证，业务办不了",
        "1|安装师傅只打电话不发短信，听障客户被记失约",
    ),
    bodies=(
        "{主属}是听障人士，只能文字沟通。{d1}在线上咨询{item}售后，客服说必须打电话核实身份，{我}说明了情况，对方还是说“按规定只能电话”。",
        "{主属}听力有障碍，{你们}安装师傅上门前只打电话不发短信，{我}接不了，结果被记成“客户失约”，安装取消了。",
        "{主}想修改{app}账户绑定的手机号，流程要求语音验证，{我}听不见，去{store}也说办不了，让{我}找家人代办。",
    ),
    extras=(
        "1|{我}在备注里写过“请发短信”，没人看。",
        "{我}的残疾证可以提供。",
        "02|手语翻译{我}自己都找好了，{你们}还是不接受视频办理。",
    ),
    causes=(
        ("staff", "02|客服未执行特殊群体替代核身流程（文字/视频核身）"),
        ("third_party", "1|安装网点未查看订单备注中的联系偏好"),
        ("staff", "2|业务流程缺少非语音验证方式"),
    ),
    fixes=(
        "02|通过视频+文字方式为客户完成核身并办理业务，专人致歉",
        "1|重新安排安装并全程短信沟通",
        "开通听障客户文字专属通道，补偿致歉",
    ),
    tasks=(
        ("tech", "02|增加文字/视频替代核身方式"),
        ("quality", "培训一线客服特殊群体沟通及替代核身流程"),
        ("logistics", "1|要求安装网点执行订单备注中的联系方式偏好"),
    ),
)

_fam(
    "wheelchair_access",
    "special_needs",
    goods="appliance apparel home fresh food",
    ref="none",
    sev=(1, 5, 4, 0),
    demand="explanation:3 apology:3 compensation:1",
    prod="门店无障碍设施",
    titles=(
        "0|轮椅无法进入{store}，无障碍通道被堵",
        "0|门店无障碍坡道堆满货物",
        "2|{store}无障碍卫生间被锁，轮椅顾客无法如厕",
        "1|{store}电梯故障，轮椅顾客被告知“走楼梯”",
    ),
    bodies=(
        "{主属}坐轮椅，{d1}想去{store}买{item}，门口的无障碍坡道上堆满了促销花车和纸箱，{我}在门口等了{wait}，喊了好几次也没人出来帮忙。",
        "{主}陪{kin}坐轮椅去{store}，电梯坏了，店员说“可以走楼梯”，根本没考虑轮椅的情况。",
        "{主}{d1}到{store}，无障碍卫生间被改成了仓库，锁着门，店员找不到钥匙。",
    ),
    extras=("这不是第一次了，上个月也是这样。", "{我}拍了照片。", "{我}不想麻烦别人，只希望通道是通的。"),
    rants=("无障碍通道是摆设吗？",),
    causes=(
        ("staff", "0|门店促销期间违规占用无障碍通道堆放物料"),
        ("staff", "1|门店电梯故障未设置替代服务方案"),
        ("staff", "2|门店私自改变无障碍卫生间用途"),
    ),
    fixes=(
        "0|当日清理无障碍通道，店长电话致歉并邀请客户再次到店由专人陪同",
        "对门店无障碍设施全面自查整改",
        "2|恢复无障碍卫生间，向客户书面致歉",
        "1|电梯修复前安排专人协助轮椅顾客，店长致歉",
    ),
    tasks=(
        ("store_ops", "0|清理{store}无障碍通道并建立每日巡检"),
        ("store_ops", "12|整改{store}无障碍设施并制定故障替代方案"),
        ("quality", "对全部门店无障碍设施开展检查"),
    ),
)

_fam(
    "elderly_cash",
    "special_needs",
    goods="fresh food home",
    ref="none",
    sev=(3, 6, 1, 0),
    demand="explanation:3 apology:3",
    titles=(
        "0|{store}自助收银不收现金，老人无法付款",
        "1|老年客户坚持现金支付被拒",
        "0|门店人工收银台关闭，老人只能用手机",
        "2|老人混合付款被拒，收银员让自己想办法",
    ),
    bodies=(
        "{主属}{kin}{d1}去{store}买菜，人工收银台只开了一个还排长队，店员让她去自助收银，可自助收银不收现金，老人最后东西都没买成。",
        "{主属}年纪大了，不会用手机支付，{d1}在{store}要付现金，收银员说找不开零钱，让{我}去旁边换。",
        "{主属}{kin}用储值卡和现金混合付款，收银员说系统不支持，让老人自己想办法。",
    ),
    extras=("人民币都不收了吗？", "老人拎着一篮子菜在店里站了半天。", "店里连个引导的人都没有。"),
    causes=(("staff", "门店未按规定保留人工现金收银通道"), ("staff", "收银备用金不足，未及时补充零钱")),
    fixes=(
        "门店保证至少一个人工现金收银台全天开放，店长致歉",
        "为老年顾客设置现金优先通道并电话回访",
        "补足备用金并对收银员培训",
    ),
    tasks=(("store_ops", "检查{store}现金收银通道开放情况"), ("finance", "核查门店收银备用金配置")),
)

_fam(
    "large_print",
    "special_needs",
    goods="appliance",
    ref="mixed",
    sev=(4, 6, 0, 0),
    demand="explanation:4 apology:1",
    titles=(
        "01|老年客户要求大字版合同和账单",
        "0|分期合同字太小看不清，要求提供大字版",
        "2|说明书字体太小，老人要求大字版",
        "1|老人看不清分期账单，要求寄送大字版",
    ),
    bodies=(
        "{主属}六十八岁了，{d0}买{item}时办了华启分期，合同上的字小得像蚂蚁，签的时候根本看不清，想要一份大字版的看看到底签了什么。",
        "{主}买{item}办的分期，每个月收到的账单字都很小，老花镜戴上也看不清，问能不能寄大字版，客服说“没有这个服务”。",
        "{主属}{kin}买的{item}说明书字太小，老人看不懂怎么用，希望提供大字版或者有人上门教一下。",
    ),
    extras=("老年人也是{你们}的客户。", "{我}不想每次都找孩子帮忙。", "电子账单老人也不会看。"),
    causes=(("staff", "01|公司尚未建立大字版文书服务"), ("product", "2|商品资料未提供大字版本")),
    fixes=(
        "01|为客户制作大字版合同及账单，并安排专人电话讲解",
        "2|安排师傅上门教老人使用，并提供大字版简明操作卡",
        "1|将客户标记为大字版账单客户，按月寄送",
    ),
    tasks=(
        ("product", "01|制作大字版合同及账单模板"),
        ("store_ops", "2|安排上门指导老人使用{item}"),
        ("tech", "在客户档案中增加大字版文书偏好标识"),
    ),
)

_fam(
    "upstairs_elderly",
    "special_needs",
    goods="fresh food appliance home",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="explanation:2 apology:3 compensation:1",
    titles=(
        "0|老人住六楼无电梯，配送员拒绝送货上楼",
        "0|独居老人购买的{item}被放在楼下",
        "1|要求送货上楼被加收费用",
        "2|备注“老人独居请送上楼”，配送员只送到楼下",
    ),
    bodies=(
        "{主属}{kin}一个人住，六楼没电梯，{d1}在{app}买的{item}，配送员放在一楼就走了，老人自己搬不上去，求邻居才搬上楼。",
        "{主属}腿脚不方便，买了{item}，配送员说送上楼要另加{amt_s}，不然就放楼下。",
        "{主}{d1}买了一袋大米和两箱水，备注写了“老人独居，请送上楼”，配送员电话里说“我们只送到楼下”。",
    ),
    extras=("老人差点在楼梯上摔倒。", "下单页写的是“送货到家”。", "{我}每次都在备注里写清楚，没人看。"),
    causes=(
        ("logistics_partner", "配送员未按“送货到家”标准履约，违规要求加收费用"),
        ("staff", "订单备注信息未传递至配送端"),
    ),
    fixes=(
        "配送站点上门致歉，为客户标记“送货上楼”优先服务",
        "退还客户被收取的上楼费，并对配送员处理",
        "修复备注传递问题，回访客户",
    ),
    tasks=(("logistics", "核实配送员违规加收费用并处理"), ("tech", "修复订单备注未同步至配送端的问题")),
)

_fam(
    "guardian_proxy",
    "special_needs",
    goods="service",
    ref="none",
    prod="{cancel_obj}",
    sev=(1, 5, 4, 0),
    demand="cancel:3 refund:3 explanation:2",
    slots={"cancel_obj": ("PLUS会员自动续费", "家电延保服务", "华启分期", "家电清洗套餐")},
    titles=(
        "0|老人住院，子女代办退订被要求本人到场",
        "12|老人失能，家属无法代为取消{cancel_obj}",
        "1|老人被诱导开通{cancel_obj}，家属要求退订",
        "2|家属持委托书办理退订被拒",
    ),
    bodies=(
        "{主属}{kin}年事已高，由{我}代为反映：{kin}{d0}被店员推销开了{cancel_obj}，现在住院了，{我}拿着身份证和病历去{store}要求取消，店员坚持要老人本人到场。",
        "{主属}{kin}有阿尔茨海默症，{d0}在{store}被推销办了{cancel_obj}，每个月扣钱，老人自己都不知道。{我}要求退订，客服说必须本人来电。",
        "{主属}{kin}卧床不起，账户里的{cancel_obj}想停掉，{我}有委托书，{你们}说委托书不符合格式要求。",
    ),
    extras=("老人连话都说不清了，怎么本人办？", "{我}可以提供医院证明和户口本。", "已经扣了好几个月了。"),
    rants=("对老人推销的时候怎么不要求家属在场？",),
    causes=(
        ("staff", "门店对老年客户销售时未履行适当性评估与风险提示"),
        ("staff", "特殊情况代办流程不明确，门店机械执行“本人办理”要求"),
        ("customer", "家属提供的委托材料缺少公证，经补充后已受理"),
    ),
    fixes=(
        "核实后为客户办理退订并退还已扣费用，向家属致歉",
        "启动特殊情况代办流程，专人上门核实后办理",
        "对推销人员追责，全额退款",
    ),
    tasks=(
        ("legal", "审核家属代办材料并出具特殊情况代办意见"),
        ("finance", "退还已扣费用"),
        ("store_ops", "核查{store}对老年客户销售的适当性管理"),
    ),
)

_fam(
    "policy_exemption",
    "special_needs",
    goods="appliance digital apparel baby home",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:5 replacement:1 explanation:1",
    slots={"reason": ("住院做手术", "家里老人去世办后事", "出差在国外", "孩子生病住院", "隔离在外地")},
    titles=(
        "因{reason}超出退货期，请求特殊处理",
        "超过七天无理由退货期，客户请求豁免",
        "特殊原因未能按时退货，被一口回绝",
    ),
    bodies=(
        "{主}{d0}买的{product}，本来想退，但那段时间{reason}，等处理完已经过了七天，客服说系统不让退。",
        "{主}买的{item}还没拆封，因为{reason}耽误了，超了三天，{我}能提供证明，希望能通融一下。",
        "{主}{d0}下单{item}，签收后{我}正好{reason}，家人帮忙签收的，等{我}回来已经过期了。",
    ),
    extras=(
        "东西一次都没用过，吊牌都在。",
        "医院的证明{我}可以提供。",
        "{我}是{你们}的{tier}，买东西从来没退过。",
    ),
    causes=(
        ("customer", "客户超出七天无理由退货期限，属客观特殊情况"),
        ("staff", "客服无政策豁免权限，未按规定上报主管审批"),
    ),
    fixes=(
        "经主管审批予以特殊处理，为客户办理退货退款",
        "特批延长退货期，安排上门取件",
        "商品已拆封无法退货，为客户提供换货及补偿",
    ),
    tasks=(("logistics", "安排订单{order}上门取件"), ("finance", "特批退款并原路退回")),
)

_fam(
    "allergy_info",
    "special_needs",
    goods="food fresh formula",
    ref="mixed",
    sev=(1, 5, 4, 1),
    demand="explanation:4 refund:2",
    slots={"allergen": ("花生", "乳制品", "麸质", "海鲜", "芒果", "坚果")},
    titles=(
        "0|孩子{allergen}过敏，询问成分客服答不上来",
        "1|过敏体质客户要求提供详细配料信息",
        "02|商品页未标注含{allergen}",
        "1|进口{item}没有中文过敏原提示",
    ),
    bodies=(
        "{主属}{child}对{allergen}严重过敏，{d1}想买{item}，页面配料表只有一张模糊的图片，问客服，客服说“应该不含吧”。",
        "{主属}对{allergen}过敏，在{store}买{item}前问店员，店员说不知道，让{我}自己看包装，可包装是外文的。",
        "{主}希望{你们}在商品页标注{allergen}等过敏原，{d1}买的{item}差点让{child}出事。",
    ),
    extras=(
        "“应该不含吧”这种话能随便说吗？",
        "过敏不是小事，严重了会有生命危险。",
        "进口商品的中文标签贴得很随意。",
    ),
    causes=(
        ("product", "商品页过敏原信息缺失，中文标签未标注"),
        ("staff", "客服未掌握过敏原信息查询路径，答复不严谨"),
    ),
    fixes=(
        "补全商品页过敏原信息，客服主管致歉",
        "为客户办理退款，并建立过敏原咨询专线",
        "要求供应商补贴规范中文标签",
    ),
    tasks=(
        ("product", "补全{item}商品页过敏原标注"),
        ("quality", "核查进口商品中文标签过敏原信息"),
        ("legal", "评估过敏原标注缺失的合规风险"),
    ),
)

# ---- 产品质量 --------------------------------------------------------------------------------------

_fam(
    "appliance_fault",
    "product_quality",
    goods="appliance",
    ref="order",
    sev=(1, 5, 4, 1),
    demand="replacement:4 refund:3 repair:2",
    slots={
        "fault": (
            "运转时噪音像拖拉机",
            "频繁跳闸",
            "显示屏乱码",
            "开机几分钟就自动断电",
            "有股焦糊味",
            "按键失灵",
            "经常开不了机",
        )
    },
    titles=(
        "新买的{item}{fault}，修了{times}还没好",
        "{item}用了{ndays}就{fault}",
        "{item}质量问题，要求换新",
        "{item}反复维修，要求退货",
    ),
    bodies=(
        "{主}{d0}在{store}买了{product}，{price}，用了没多久就{fault}。师傅上门修过一次，说换了个零件，结果没几天又出现同样的问题。",
        "{主}{d0}在{app}下单的{product}，到手第{ndays}就{fault}。售后说要先检测，检测完再说，拖到现在都没有结果。",
        "{主属}家里的{item}是{d0}买的，三包期内已经修了{times}，现在又{fault}，{我}不想再修了。",
        "{主}{d1}开始用{你们}卖的{product}，第一天就{fault}，{我}怀疑拿到的是一台返修机。",
    ),
    extras=(
        "按三包规定，修两次还不好就应该换。",
        "维修单{我}都留着。",
        "正是用的时候，家里一天都离不了。",
        "师傅说这个型号这批次问题挺多的。",
        "{我}查了一下，网上好多人反映同样的问题。",
    ),
    rants=("花几千块买个摆设？",),
    causes=(
        ("product", "经检测为{item}控制板元器件批次缺陷"),
        ("product", "压缩机（电机）装配不良，属于产品质量问题"),
        ("third_party", "首次维修时网点更换的配件不匹配"),
        ("customer", "检测发现安装环境电压不稳，非产品本身故障"),
    ),
    fixes=(
        "符合三包换货条件，为客户更换新机并补偿",
        "为客户办理退货退款，上门拆机取回",
        "厂家技术人员上门彻底维修，并延长保修一年",
    ),
    tasks=(
        ("quality", "对{item}同批次产品开展质量排查"),
        ("product", "通知厂家提交故障分析报告"),
        ("logistics", "安排换新送货及旧机拆回"),
        ("finance", "核算退货退款金额"),
    ),
)

_fam(
    "phone_defect",
    "product_quality",
    goods="digital",
    ref="order",
    sev=(1, 5, 4, 1),
    demand="replacement:5 refund:3 repair:1",
    slots={
        "fault": (
            "充电发烫",
            "电池续航严重缩水",
            "频繁死机重启",
            "连接经常断开",
            "按键失灵",
            "开机没反应",
            "有明显杂音",
        )
    },
    titles=(
        "新{item}{fault}，要求换新",
        "02|{item}到手{ndays}就{fault}",
        "1|{item}疑似翻新机，{fault}",
        "1|新买的{item}激活日期比收货还早",
    ),
    bodies=(
        "{主}{d0}在{app}买的{product}，{price}，用了{ndays}就{fault}。去售后检测，说要寄回厂家，来回得半个月。",
        "{主}买的{item}激活时间比{我}收货时间早了两天，而且{fault}，{我}严重怀疑是翻新机或者被人退回来的。",
        "{主}{d1}发现{item}{fault}，客服说15天内可以换，但要检测报告，检测点排队要一周。",
    ),
    extras=(
        "{我}工作全靠手机，这几天耽误了好多事。",
        "激活日期截图{我}有。",
        "包装盒的封膜看起来像被重新贴过。",
    ),
    rants=("卖翻新机当新机？",),
    causes=(
        ("product", "02|经厂家检测确认为元器件质量缺陷"),
        ("staff", "1|退货商品未经检测直接二次销售，激活记录可证"),
        ("customer", "检测发现机身有跌落痕迹，不属质量问题"),
    ),
    fixes=(
        "直接为客户换新机，无需等待检测",
        "1|确认为二次销售商品，按规定退一赔三",
        "02|厂家保修处理并补偿客户等待期间的不便",
    ),
    tasks=(
        ("quality", "核查退货商品二次销售流程漏洞"),
        ("product", "联系厂家确认{item}批次质量问题"),
        ("legal", "评估二次销售可能涉及的欺诈责任"),
    ),
)

_fam(
    "fresh_spoiled",
    "product_quality",
    goods="fresh",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:6 replacement:1 compensation:1",
    slots={"rot": ("一半都烂了", "有明显异味", "发霉长毛", "软塌出水", "颜色发黑", "已经化冻又重新冻上了")},
    titles=(
        "买的{item}到手{rot}",
        "生鲜{item}不新鲜，要求退款",
        "1|{item}{rot}，客服要求先拍视频",
        "2|在{store}买的{item}当天就{rot}",
    ),
    bodies=(
        "{主}{d1}在{app}买了{product}，{price}，{hour}送到，打开一看{rot}，根本没法吃。",
        "{主}给{kin}买的{item}，{d1}到的货，{rot}。客服让{我}拍照、称重、拍视频，折腾半天才给退一半。",
        "{主}在{store}买的{item}，当天回家就发现{rot}，保质期明明还有好几天。",
    ),
    extras=(
        "本来是要招待客人的，只能临时再去买。",
        "照片{我}都拍了。",
        "这不是第一次了，上次的{item}也有问题。",
    ),
    causes=(
        ("product", "供应商批次品控不严，到仓时已有部分腐损未被剔除"),
        ("staff", "门店生鲜陈列区温控异常，商品提前变质"),
        ("logistics_partner", "配送途中冷链中断"),
    ),
    fixes=("全额退款，不需退回商品", "为客户补发新鲜商品并赠送优惠券", "退款并对同批次商品下架检查"),
    tasks=(
        ("quality", "抽检{item}同批次商品"),
        ("store_ops", "检查{store}生鲜陈列区温控"),
        ("product", "约谈供应商并要求整改品控"),
    ),
)

_fam(
    "apparel_quality",
    "product_quality",
    goods="apparel",
    ref="order",
    sev=(4, 6, 1, 0),
    demand="refund:4 replacement:3 compensation:1",
    slots={
        "flaw": (
            "跑绒严重",
            "缩水了一个码",
            "掉色把其他衣服都染了",
            "起球起得像穿了三年",
            "开线了",
            "拉链坏了",
        )
    },
    titles=("{item}穿了两次就{flaw}", "新买的{item}{flaw}，要求退货", "{item}质量与宣传不符，{flaw}"),
    bodies=(
        "{主}{d0}在{app}买的{product}，{price}，才穿了两次就{flaw}。商品页写的是“高品质面料”，这质量太差了。",
        "{主}按照洗标手洗的{item}，结果{flaw}。客服说是洗涤不当，可{我}完全是按洗标来的。",
        "{主}{d0}在{store}买的{item}，吊牌价{price}，穿了一周就{flaw}。",
    ),
    extras=("{我}拍了对比照片。", "同一个品牌以前的质量不是这样的。", "吊牌和小票都还在。"),
    causes=(
        ("product", "经送检，面料（羽绒）指标不达标，属于产品质量问题"),
        ("product", "车缝工艺瑕疵，属批次质量问题"),
        ("customer", "衣物存在机洗高温痕迹，与洗标要求不符"),
    ),
    fixes=("为客户办理退货退款", "为客户换新并赠送优惠券", "送第三方检测后按结果处理"),
    tasks=(("quality", "将{item}送第三方检测"), ("product", "要求供应商说明面料及工艺问题")),
)

_fam(
    "furniture_smell",
    "product_quality",
    goods="home",
    ref="order",
    sev=(1, 4, 4, 2),
    demand="refund:4 compensation:2 replacement:1",
    slots={"issue": ("刺鼻气味散不掉", "表面开裂", "起泡掉漆", "五金件生锈", "有虫眼", "晃得厉害")},
    titles=(
        "0|{item}甲醛超标，家里有孩子不敢用",
        "12|新买的{item}{issue}，要求退货",
        "02|{item}甲醛问题，要求检测赔偿",
        "1|{item}质量差，用了不到一个月就{issue}",
    ),
    bodies=(
        "{主}{d0}买的{product}，{price}，放到家里{ndays}了还有刺鼻气味，{我}自己买了检测仪，甲醛数值是标准的三倍。",
        "{主属}家的{item}是{d0}送到的，用了不到一个月就{issue}。{我}是特意挑的好款式，结果这质量。",
        "{主}给{child}买的{item}，拆包后{issue}，孩子在那个房间待了一会儿就咳嗽。",
    ),
    extras=(
        "02|检测仪的读数{我}拍了视频。",
        "家里有孕妇和小孩，不敢冒险。",
        "02|{我}要求第三方机构检测。",
        "1|售后说这是“正常现象”。",
    ),
    rants=("给孩子用的东西也敢这样？",),
    causes=(
        ("product", "02|第三方检测显示甲醛释放量超出国标，属产品质量问题"),
        ("product", "1|板材含水率控制不当导致开裂变形，属产品质量问题"),
        ("undetermined", "02|客户自测数据与第三方检测结果不一致，需再次复检"),
        ("customer", "1|现场勘查发现家具长期靠近暖气片放置，变形与使用环境有关"),
    ),
    fixes=(
        "为客户全额退款并承担检测费用",
        "更换合格产品并补偿客户",
        "委托有资质的检测机构上门检测，按结果处理",
    ),
    tasks=(
        ("quality", "02|委托第三方机构对{item}进行甲醛检测"),
        ("quality", "1|对{item}进行上门质量鉴定"),
        ("product", "暂停该批次{item}销售并追溯供应商"),
        ("legal", "02|评估产品安全风险及可能的赔偿责任"),
    ),
)

_fam(
    "formula_issue",
    "product_quality",
    goods="formula",
    ref="order",
    sev=(0, 3, 5, 3),
    demand="refund:4 explanation:3 compensation:2",
    slots={"issue": ("有结块和黑点", "冲泡后有异味", "罐底有不明杂质", "罐口密封铝膜破损", "颜色比平时深")},
    titles=(
        "0|{item}{issue}，宝宝喝了腹泻",
        "婴儿{item}质量问题，要求检测",
        "2|买的{item}{issue}，怀疑不是正品",
        "1|{item}{issue}，要求退款并检测",
    ),
    bodies=(
        "{主}{d0}在{app}买的{product}，打开发现{issue}。{child}喝了两天就开始拉肚子，{我}现在非常担心。",
        "{主}{d0}在{store}买的{item}，{issue}。{我}之前一直用这个牌子，从没出现过这种情况。",
        "{主}买的{item}批号查不到，而且{issue}，{我}怀疑是假货。",
    ),
    extras=(
        "宝宝的就诊记录{我}都保留着。",
        "剩下的奶粉{我}密封保存了，可以送检。",
        "{你们}是大平台，{我}才放心在这买的。",
    ),
    rants=("孩子吃的东西也出问题？！",),
    causes=(
        ("product", "经检测，该批次产品存在包装密封不良，导致受潮结块"),
        ("logistics_partner", "运输过程中罐体受挤压导致密封破损"),
        ("undetermined", "已送检，检测结果待出，目前无法判定"),
    ),
    fixes=(
        "全额退款并承担就诊费用，同批次商品下架送检",
        "提供官方溯源证明，并为客户更换新批次",
        "先行赔付就医费用，待检测结果后进一步处理",
    ),
    tasks=(
        ("quality", "对{item}同批次留样送检"),
        ("legal", "评估婴幼儿食品质量问题的法律风险"),
        ("product", "暂停该批次销售并要求品牌方出具溯源证明"),
        ("finance", "核算客户就诊费用赔付"),
    ),
)

_fam(
    "counterfeit",
    "product_quality",
    goods="digital apparel baby food",
    ref="order",
    sev=(0, 3, 5, 2),
    demand="refund:5 compensation:3 explanation:1",
    titles=(
        "02|在自营店买到疑似假货{item}",
        "0|{item}防伪码查询显示已被查询过",
        "要求对疑似假冒{item}退一赔三",
        "1|{store}买的{item}被专柜认定不是正品",
        "2|{item}序列号在官网查不到",
    ),
    bodies=(
        "{主}{d0}在{app}自营旗舰店买的{product}，跟专柜买的对比，做工、包装都不一样，防伪码查询显示“已被查询{times}”。",
        "{主}在{store}买的{item}，拿去品牌专柜验，专柜说不是他们的货。",
        "{主}{d0}下单的{item}序列号在官网查不到，{我}要求{你们}提供进货凭证。",
    ),
    extras=("{我}是冲着自营才买的。", "专柜的检测意见{我}拍下来了。", "{我}要求按法律规定退一赔三。"),
    rants=("自营也卖假货？",),
    causes=(
        ("third_party", "该商品由第三方商家入驻销售，商家资质审核存在疏漏"),
        ("undetermined", "已提供正规进货凭证，与品牌方核验结果待确认"),
        ("product", "品牌方确认为早期版本包装，非假冒产品"),
    ),
    fixes=(
        "确认商品来源存疑，为客户退一赔三，商家下架处理",
        "提供进货凭证和品牌方授权书，为客户办理退货",
        "与品牌方联合鉴定后向客户出具结论",
    ),
    tasks=(
        ("legal", "评估疑似假冒商品的法律责任"),
        ("product", "核查商家进货渠道和授权"),
        ("quality", "组织第三方鉴定"),
    ),
)

_fam(
    "spec_mismatch",
    "product_quality",
    goods="appliance digital",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="refund:4 compensation:3",
    slots={"spec": ("功率", "能效等级", "运行噪音", "重量", "待机功耗")},
    titles=("{item}实际{spec}与宣传严重不符", "商品详情页{spec}虚标", "买到的{item}参数不符，疑似虚假宣传"),
    bodies=(
        "{主}{d0}买的{product}，详情页写的{spec}是一个数，{我}实测差了将近一半。客服说“以实际使用为准”。",
        "{主}买{item}主要就是看中{spec}，结果到手完全不是宣传的那样，{我}找了第三方测评，数据也对不上。",
        "{主}在{store}买{item}时导购说的{spec}和说明书上写的不一样，导购说得更好听。",
    ),
    extras=("详情页截图都在。", "{我}觉得这是虚假宣传。", "同款的评价里也有人说这个问题。"),
    causes=(
        ("product", "供应商提供的参数为实验室极限值，未标注测试条件"),
        ("staff", "商品详情页参数录入错误"),
        ("staff", "导购介绍参数与官方资料不符"),
    ),
    fixes=(
        "修正详情页参数，为客户办理退货退款",
        "补偿客户差价并致歉",
        "为客户换购更高规格产品，差价由我司承担",
    ),
    tasks=(("product", "核对{item}详情页参数并修正"), ("legal", "评估参数宣传的广告合规风险")),
)

_fam(
    "expired_food",
    "product_quality",
    goods="food fresh",
    ref="none",
    sev=(1, 5, 4, 1),
    demand="refund:3 compensation:5",
    titles=(
        "01|在{store}买到过期{item}",
        "0|货架上的{item}已过期{ndays}",
        "2|网购{item}收到时只剩两天保质期",
        "1|{item}生产日期被新标签覆盖",
    ),
    bodies=(
        "{主}{d1}在{store}买的{product}，回家给{child}吃的时候才发现已经过期{ndays}了。",
        "{主}{d1}在{store}货架上拿了{item}，结账时没注意，回家发现生产日期标签被新标签覆盖了，撕开一看早过期了。",
        "{主}在{app}买的{item}，收到时距离保质期只剩两天，页面上没有任何临期提示。",
    ),
    extras=("小票和商品{我}都保留着。", "按照食品安全法应该十倍赔偿。", "{我}拍照留存了生产日期。"),
    rants=("这是食品安全问题！",),
    causes=(
        ("staff", "0|门店临期商品巡检不到位，过期商品未及时下架"),
        ("staff", "1|存在覆盖原生产日期标签的违规行为，正在追查责任人"),
        ("staff", "2|临期商品未按规定在商品页标注"),
    ),
    fixes=(
        "01|退还货款并按食品安全法规定给予十倍赔偿",
        "01|全面下架过期临期商品，店长致歉",
        "退款并赠送购物卡",
        "2|在商品页补充临期标注，为客户退款致歉",
    ),
    tasks=(
        ("store_ops", "01|对{store}食品货架开展临期商品全面排查"),
        ("legal", "评估食品安全法赔偿标准"),
        ("quality", "1|追查覆盖生产日期标签的责任人"),
        ("product", "2|在商品页增加临期商品标注规则"),
    ),
)

# ---- 物流配送 --------------------------------------------------------------------------------------

_fam(
    "lost_parcel",
    "logistics",
    goods="appliance digital baby apparel home food",
    ref="order",
    sev=(1, 5, 4, 0),
    demand="refund:4 replacement:3 compensation:2",
    titles=(
        "{courier}包裹丢失，{ndays}无人处理",
        "{item}物流停在中转站后就丢了",
        "快递丢件，客服让自己联系快递公司",
    ),
    bodies=(
        "{主}{d0}在{app}买的{product}，{courier}配送，物流信息停在中转站已经{ndays}了，客服说“可能丢件了，在核实”。",
        "{主}订单{order}的{item}，{d1}显示派送中，之后就再也没有更新，打快递员电话说没见过这个包裹。",
        "{主}{d0}买了{item}，等了一周都没到，客服让{我}自己去联系{courier}，{courier}又让{我}找商家。",
    ),
    extras=(
        "{我}买的是{你们}的东西，凭什么让{我}找快递？",
        "这个是送人的生日礼物，日子都过了。",
        "{price}的东西，说丢就丢了。",
    ),
    causes=(
        ("logistics_partner", "{courier}转运中心分拣错误，包裹错发至外省"),
        ("logistics_partner", "{courier}确认包裹在派送环节遗失"),
        ("undetermined", "包裹轨迹缺失，需与{courier}进一步核实"),
    ),
    fixes=(
        "先行为客户补发商品，再向{courier}追偿",
        "为客户全额退款并补偿",
        "协调{courier}找回包裹，当天派送",
    ),
    tasks=(("logistics", "向{courier}发起丢件理赔并追踪包裹"), ("finance", "办理客户退款或补发商品结算")),
)

_fam(
    "transit_damage",
    "logistics",
    goods="appliance digital home food fresh",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="replacement:5 refund:2 compensation:1",
    slots={
        "damage": (
            "外箱被压扁，里面的东西摔坏了",
            "外包装破了个大洞，东西磕坏了",
            "边角磕掉一大块",
            "包装进水，里面全湿了",
            "一看就是被摔过",
        )
    },
    titles=(
        "收到的{item}{damage}",
        "1|{courier}运输破损，快递员不让验货",
        "2|{item}破损，客服要求提供开箱视频",
        "0|{courier}送来的{item}破损，配送员放下就走",
    ),
    bodies=(
        "{主}{d1}收到{courier}送来的{product}，{damage}。配送员放下就走了，说“签收了就没事了”。",
        "{主}{d1}收到{item}，{damage}，{我}想当场验货，快递员说没时间，必须先签字。",
        "{主}买的{product}{d1}送到，{damage}，客服说要拍开箱视频才能处理，可{我}拆的时候没想到要拍视频。",
    ),
    extras=(
        "外包装上的破损照片{我}都拍了。",
        "快递员把箱子从车上直接扔下来的，{我}在楼上看到了。",
        "{我}要求换新，不要维修。",
    ),
    causes=(
        ("logistics_partner", "{courier}运输途中野蛮装卸导致商品破损"),
        ("staff", "仓库对易碎商品未按规定加固包装"),
        ("logistics_partner", "配送员未执行先验后签要求"),
    ),
    fixes=(
        "无需退回破损商品，直接为客户补发新品",
        "上门取回破损件同时换新，并向{courier}追偿",
        "为客户办理退款并补偿",
    ),
    tasks=(
        ("logistics", "向{courier}提起破损理赔"),
        ("quality", "评审{item}包装方案"),
        ("finance", "核算补发商品成本"),
    ),
)

_fam(
    "fake_signed",
    "logistics",
    goods="appliance digital baby apparel fresh food home",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="explanation:3 refund:2 replacement:2 compensation:1",
    titles=("没收到货却显示已签收", "{courier}虚假签收，包裹下落不明", "物流显示本人签收，实际没人送过"),
    bodies=(
        "{主}{d1}在家等了一天，{item}物流却显示“已签收，本人签收”，{我}根本没收到，问快递员说放门口了，门口什么都没有。",
        "{主}订单{order}显示{d1}{hour}被签收，可那个时间{我}家里没人，也没人给{我}打过电话。",
        "{主的}{product}在{courier}系统里显示“他人代收”，可{我}没有委托任何人代收。",
    ),
    extras=(
        "{我}小区的监控显示快递员当天没来过。",
        "快递员说是系统问题，后来又说放驿站了，驿站也没有。",
        "{我}要求快递员给个说法。",
    ),
    causes=(
        ("logistics_partner", "{courier}配送员为完成时效考核虚假签收"),
        ("logistics_partner", "配送员误将包裹投递至同楼栋其他住户"),
        ("undetermined", "签收记录与监控不符，需与{courier}进一步核实"),
    ),
    fixes=("找回包裹送达客户，{courier}对配送员处罚", "为客户补发商品并致歉", "确认丢失，全额退款"),
    tasks=(("logistics", "调取{courier}签收记录及配送员轨迹"), ("quality", "统计该配送员近期虚假签收投诉")),
)

_fam(
    "locker_without_consent",
    "logistics",
    goods="digital baby apparel home food fresh",
    ref="order",
    sev=(5, 6, 0, 0),
    demand="apology:3 explanation:3 compensation:1",
    titles=(
        "0|未经同意放快递柜，还要收超时费",
        "1|{item}被放驿站，没打电话也没短信",
        "0|要求送货上门，配送员坚持放快递柜",
        "2|送货上门变成让自己去驿站取",
    ),
    bodies=(
        "{主}下单时写了“请送货上门”，{courier}配送员没打电话就把{item}放进了快递柜，{我}出差回来已经超时，还要交超时费。",
        "{主}买的{item}，配送员直接放到小区驿站，也没通知{我}，{我}去取的时候已经放了一整天。",
        "{主}{d1}等{item}送上门，结果收到短信让{我}去两公里外的驿站取。",
    ),
    extras=(
        "家里有老人行动不便，{我}特意备注了。",
        "0|快递柜超时费虽然不多，但这是原则问题。",
        "{我}打电话给配送员，对方不接。",
    ),
    causes=(
        ("logistics_partner", "配送员未经客户同意使用快递柜投递，违反服务约定"),
        ("staff", "订单备注“送货上门”未传递到配送系统"),
    ),
    fixes=("要求配送员重新送货上门并致歉", "退还客户快递柜超时费用，补偿运费券", "对配送站点进行考核"),
    tasks=(
        ("logistics", "要求{courier}整改未经同意投递快递柜问题"),
        ("tech", "核查订单备注同步配送系统情况"),
    ),
)

_fam(
    "cold_chain",
    "logistics",
    goods="fresh",
    ref="order",
    sev=(2, 6, 2, 0),
    demand="refund:6 compensation:2",
    titles=(
        "0|冷链配送{item}化冻，冰袋都化了",
        "0|生鲜{item}配送超时，到手不新鲜",
        "{courier}冷链断链，{item}全部变质",
        "1|冷链泡沫箱破损，{item}到手常温",
        "2|说好冷链配送，送来的是普通纸箱",
    ),
    bodies=(
        "{主}{d1}买的{product}，{courier}冷链配送，说好3小时送达，结果送了8个小时，到手冰袋全化了，{item}都软了。",
        "{主}在{app}买的{item}，收到时泡沫箱破了，里面一点冷气都没有。",
        "{主}订了{item}，送来的箱子根本不是冷链包装，就一个普通纸箱。",
    ),
    extras=("0|天这么热，放8个小时肯定坏了。", "{我}拍了温度计的读数。", "说是冷链，价格也比普通配送贵。"),
    causes=(
        ("logistics_partner", "{courier}冷藏车辆制冷故障，途中未更换车辆"),
        ("staff", "仓库打包时冰袋数量不足"),
        ("logistics_partner", "配送排线不合理，严重超时"),
    ),
    fixes=("全额退款，不用退回商品", "补发新鲜商品，由专人确认冷链包装", "退款并补偿运费券"),
    tasks=(("logistics", "调取{courier}冷链车辆温度记录"), ("quality", "检查仓库冷链包装作业规范")),
)

_fam(
    "stalled_tracking",
    "logistics",
    goods="appliance digital baby apparel home food",
    ref="order",
    sev=(4, 6, 1, 0),
    demand="explanation:4 cancel:2 compensation:1",
    slots={"cancel_obj": ("订单",)},
    titles=("物流信息{ndays}没更新", "{item}卡在中转站一周不动", "物流停滞，客服只会说“请耐心等待”"),
    bodies=(
        "{主}{d0}下单的{product}，物流信息显示“到达{city}转运中心”之后就再也没更新，已经{ndays}了。",
        "{主的}{item}从{d0}开始就一直显示“运输中”，客服每次都说“正在催促”，也说不出到底在哪。",
        "{主}{d0}买的{item}，{courier}的物流{ndays}没有动静，问{你们}，说要等{courier}回复。",
    ),
    extras=(
        "{我}问了{times}，没有一次能说清楚包裹在哪。",
        "着急用，都准备去实体店重新买了。",
        "查物流的页面一直显示同一条信息。",
    ),
    causes=(
        ("logistics_partner", "{courier}中转站爆仓，包裹积压未分拣"),
        ("logistics_partner", "包裹面单破损无法识别，滞留在中转站"),
        ("undetermined", "天气原因导致线路停运，需跟进恢复情况"),
    ),
    fixes=("协调{courier}优先分拣派送，两日内送达", "为客户取消订单全额退款", "从就近门店调货送达客户"),
    tasks=(("logistics", "督促{courier}核查包裹滞留原因"), ("store_ops", "安排就近门店调货配送")),
)

_fam(
    "big_item_delivery",
    "logistics",
    goods="appliance home",
    ref="order",
    sev=(2, 5, 3, 0),
    demand="compensation:4 repair:2 apology:2",
    slots={"mess": ("磕掉了门框的漆", "把电梯轿厢划花了", "把墙角撞出一个坑", "把地板砸出凹痕")},
    titles=(
        "02|送{item}时{mess}",
        "1|大件送货上门收费，还损坏家里装修",
        "{courier}大件配送不规范，造成财产损失",
    ),
    bodies=(
        "{主}{d1}收{product}，两个配送师傅抬进门的时候{mess}，他们说“搬大件难免的”，就走了。",
        "{主}买的{item}送货上楼要额外收{amt_s}的搬楼费，下单时没说有这笔费用，而且搬的时候还{mess}。",
        "{主属}家新装修的房子，{courier}送{item}时{mess}，物业还找{我}要赔电梯维修费。",
    ),
    extras=("{我}当场拍了照片和视频。", "物业那边的维修报价已经出来了。", "新装修的房子，看着特别心疼。"),
    causes=(
        ("logistics_partner", "大件配送人员未按规范做防护，搬运中造成损坏"),
        ("logistics_partner", "配送人员违规收取搬楼费"),
    ),
    fixes=(
        "先行赔付维修费用，向{courier}追偿",
        "退还搬楼费并安排维修师傅上门修复",
        "配送站负责人上门致歉并赔偿",
    ),
    tasks=(("logistics", "核实大件配送损坏情况并向{courier}追偿"), ("finance", "先行赔付客户维修费用")),
)

_fam(
    "wrong_address",
    "logistics",
    goods="digital baby apparel home food fresh",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="explanation:3 compensation:2 replacement:2",
    titles=(
        "0|快递送错地址，{item}被别人签收",
        "1|{item}派送到另一个小区",
        "0|配送员送错楼栋，包裹找不回来",
        "2|{item}被送到旧地址，下单选的是新地址",
    ),
    bodies=(
        "{主}地址写的是{city}某小区3栋，{courier}配送员把{item}送到了13栋，被别人签收了，现在找不回来。",
        "{主}{d1}收到短信说{item}已送达，结果送到了隔壁小区同名的楼栋。",
        "{主的}{product}被送到了{我}以前的地址，可{我}下单时明明选的是新地址。",
    ),
    extras=("下单地址截图{我}都有。", "01|配送员说是导航的问题。", "0|{我}自己去13栋一家一家问，没人承认。"),
    causes=(
        ("logistics_partner", "配送员投递时未核对楼栋号，错投"),
        ("staff", "地址簿默认地址切换逻辑错误，订单使用了旧地址"),
    ),
    fixes=("协调找回包裹并送达，配送员当面致歉", "为客户补发商品并补偿", "修复地址逻辑，向客户致歉"),
    tasks=(("logistics", "协调{courier}找回错投包裹"), ("tech", "排查订单{order}收货地址被替换的原因")),
)

# ---- 退款退货 --------------------------------------------------------------------------------------

_fam(
    "refund_delay",
    "refund_return",
    goods="appliance digital apparel baby home food",
    ref="order",
    sev=(2, 6, 3, 0),
    demand="refund:6 explanation:2 compensation:1",
    titles=(
        "退货{ndays}了退款还没到账",
        "0|{item}已退回仓库，退款一拖再拖",
        "1|退款显示“处理中”两周没动静",
        "2|门店退货说三到五天到账，两周没到",
    ),
    bodies=(
        "{主}{d0}退的{product}，{courier}的物流显示{d1}已经签收入库了，可到现在退款{price}还没到账，客服说“财务在审核”。",
        "{主}申请退款已经{ndays}了，页面一直显示“退款处理中”，{我}问了{times}，每次都说48小时内到账。",
        "{主}在{store}退的{item}，当时店员说三到五个工作日退回原卡，现在都两周了。",
    ),
    extras=(
        "买东西的时候扣钱一秒钟，退钱要半个月。",
        "{我}已经把退货单号和签收截图都发给客服了。",
        "这笔钱{我}是急用的。",
    ),
    rants=("钱在你们账上多待一天你们就多赚一天？",),
    causes=(
        ("staff", "仓库收货质检积压，退货入库未及时确认"),
        ("staff", "退款审核环节人工复核积压，超时未处理"),
        ("third_party", "支付渠道退款通道故障，退款被退回"),
    ),
    fixes=(
        "加急完成质检并发起退款，当日到账",
        "人工加急退款并补偿",
        "更换退款渠道重新退款，并告知客户到账时间",
    ),
    tasks=(("finance", "加急处理订单{order}退款"), ("logistics", "核查退货入库质检积压情况")),
)

_fam(
    "seven_day_denied",
    "refund_return",
    goods="digital apparel baby home appliance",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:6 explanation:2",
    slots={
        "excuse": ("“已激活不支持退货”", "“包装已拆封”", "“影响二次销售”", "“吊牌已剪”", "“定制商品不退”")
    },
    titles=(
        "七天无理由退货被拒，理由是{excuse}",
        "{item}符合七天无理由却不给退",
        "七天无理由退货被平台以各种理由拒绝",
    ),
    bodies=(
        "{主}{d0}买的{product}，收到第三天想退，商品完好，申请后被驳回，理由是{excuse}。",
        "{主}买的{item}商品页写着“支持七天无理由退货”，{我}申请退货被驳回，说{excuse}。",
        "{主}在{store}买的{item}，第二天拿去退，店员说{excuse}，可{我}只是打开看了一眼。",
    ),
    extras=(
        "商品页截图{我}都保存了。",
        "法律规定的七天无理由，不是{你们}说不给就不给的。",
        "{我}没有使用过，东西都是全新的。",
    ),
    causes=(
        ("staff", "客服对七天无理由退货的除外情形理解错误，错误驳回"),
        ("staff", "门店员工将“拆封查验”误认为“影响二次销售”"),
        ("customer", "商品已激活使用，属于七天无理由退货除外情形"),
    ),
    fixes=(
        "撤销驳回，为客户办理退货退款并致歉",
        "安排上门取件，退款原路返回",
        "向客户解释除外情形，提供换货方案",
    ),
    tasks=(("quality", "复核七天无理由退货驳回案例"), ("logistics", "安排上门取件")),
)

_fam(
    "pickup_noshow",
    "refund_return",
    goods="appliance digital apparel baby home",
    ref="order",
    sev=(4, 6, 1, 0),
    demand="refund:3 explanation:3 compensation:1",
    titles=(
        "预约上门取件{times}，没人来",
        "12|退货取件一直没人来，退货期快过了",
        "0|取件员爽约还把订单标记为“客户取消”",
    ),
    bodies=(
        "{主}{d0}申请退{item}，预约了上门取件，结果等了一天没人来，第二天再约又没来，现在订单显示“客户取消取件”。",
        "{主的}{item}要退货，约了{courier}上门取件，{我}在家等到{hour}，打电话问，快递员说太忙了明天再说。",
        "{主}退货申请通过后预约了取件，过了{ndays}都没人来，退货期眼看就要过了。",
    ),
    extras=(
        "{我}为了等取件请了半天假。",
        "{我}可不想因为这个超过退货期。",
        "东西那么大，{我}也没办法自己去寄。",
    ),
    causes=(
        ("logistics_partner", "{courier}取件员未按预约时间上门，并虚假标记“客户取消”"),
        ("staff", "取件工单推送失败，快递公司未收到取件需求"),
    ),
    fixes=("安排专人当天上门取件，退款同步加急", "延长客户退货期限并补偿", "更换物流服务商上门取件"),
    tasks=(("logistics", "督促{courier}当天上门取件"), ("tech", "排查取件工单推送失败原因")),
)

_fam(
    "refund_deducted",
    "refund_return",
    goods="appliance digital apparel home baby",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:5 explanation:3",
    titles=(
        "退款被扣{fee}，没有任何说明",
        "退货退款金额比实付少",
        "1|退款扣除“包装破损费”，事先没告知",
        "2|退款明细写“优惠分摊”，少退{fee}",
        "0|赠品一起寄回了，退款还扣赠品钱",
    ),
    bodies=(
        "{主}{d0}退的{item}，实付{price}，结果只退了一部分，少了{fee}，客服说扣了“赠品折价”，可赠品{我}也一起寄回了。",
        "{主}退货{product}，仓库说外包装有破损，扣了{fee}的“包装损耗费”，可包装是快递弄坏的。",
        "{主的}退款到账后少了{fee}，明细里写着“优惠分摊”，{我}根本看不懂。",
    ),
    extras=(
        "规则里从来没写过要扣这笔钱。",
        "{我}寄回前拍了照片，包装是完好的。",
        "客服自己都解释不清楚怎么算的。",
    ),
    causes=(
        ("staff", "2|退款金额按优惠分摊规则计算，但未向客户展示计算明细"),
        ("staff", "1|仓库质检误判包装破损，扣费依据不足"),
        ("customer", "0|客户未寄回赠品，按规则扣除赠品价值"),
        ("staff", "0|赠品已随商品寄回，但仓库签收时漏登记赠品"),
    ),
    fixes=("补退客户被扣款项{fee}，并致歉", "向客户说明分摊规则并补退争议部分", "优化退款明细展示，补偿客户"),
    tasks=(("finance", "核对订单{order}退款计算并补退差额"), ("product", "在退款页展示优惠分摊明细")),
)

_fam(
    "store_return_refused",
    "refund_return",
    goods="apparel appliance digital home baby",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:5 explanation:2",
    titles=(
        "02|线上买的{item}到{store}退货被拒",
        "0|门店拒绝为线上订单办理退换",
        "0|宣传线上线下同权益，门店不认",
        "1|换一家门店退货被拒：“哪里买的哪里退”",
        "2|门店查不到订单，客服又推回门店",
    ),
    bodies=(
        "{主}{d0}在{app}买的{item}，{你们}宣传“线上买、门店退”，{我}拿到{store}，店员说线上订单要寄回仓库。",
        "{主}在{store}买的{item}，想到另一家门店退，店员说“哪里买的哪里退”。",
        "{主}拿着{item}去{store}退货，店员说系统查不到订单，让{我}找客服，客服又说要去门店办。",
    ),
    extras=("门店的海报上写着“全渠道退换”。", "{我}特意开车过去，白跑一趟。", "东西很沉，寄回去很麻烦。"),
    causes=(
        ("staff", "门店员工不熟悉全渠道退货政策"),
        ("staff", "门店系统未开通跨门店退货权限"),
    ),
    fixes=(
        "门店主动联系客户上门取回并办理退款",
        "开通跨门店退货权限，为客户办理退款并致歉",
        "对门店员工进行全渠道退货政策培训",
    ),
    tasks=(("store_ops", "为{store}开通线上订单退货权限"), ("tech", "排查门店系统查询线上订单异常")),
)

_fam(
    "fq_refund_not_synced",
    "refund_return",
    goods="appliance digital home",
    ref="contract",
    sev=(1, 5, 4, 0),
    demand="cancel:4 refund:3 explanation:1",
    prod="华启分期",
    slots={"cancel_obj": ("分期", "分期合同")},
    titles=("商品已退货，分期还在继续扣款", "退货后华启分期未同步取消", "退了货还收到分期逾期提醒"),
    bodies=(
        "{主}{d0}用华启分期买的{product}，{d1}已经退货退款成功，可分期还在每月扣{monthly}，合同号{contract}。",
        "{主}退了用分期买的{item}，商城显示退款完成，但分期账单还显示剩余{price}未还，客服说要等“系统同步”。",
        "{主的}{item}已经退了，{我}以为分期也取消了，结果收到逾期提醒短信，说{我}没还款。",
    ),
    extras=("{我}担心影响征信。", "已经多扣了两期了。", "商城客服和分期客服互相推。"),
    causes=(
        ("staff", "商城退款与分期系统未联动，分期合同未同步撤销"),
        ("staff", "分期撤销需人工审核，审核积压未处理"),
    ),
    fixes=("撤销分期合同，退还已扣款项，确认不影响征信", "人工撤销分期并出具结清证明", "退还多扣款项并补偿"),
    tasks=(("finance", "撤销合同{contract}并退还已扣款项"), ("tech", "修复商城退款与分期系统的联动问题")),
)

_fam(
    "return_shipping_fee",
    "refund_return",
    goods="apparel digital home baby",
    ref="order",
    sev=(6, 5, 0, 0),
    demand="refund:4 explanation:3",
    titles=("02|质量问题退货，运费却让客户出", "1|退货运费险没有理赔", "02|退货运费{amt_s}没报销"),
    bodies=(
        "{主}买的{item}有质量问题，退货时客服让{我}先垫付运费{amt_s}，说会报销，结果退款里没有运费。",
        "{主}下单时买了运费险，退货后运费险显示“不符合理赔条件”，也没说为什么。",
        "{主}{d1}退{item}，本来应该{你们}承担运费，结果快递员上门收了{我}{amt_s}。",
    ),
    extras=("钱不多，但不合理。", "运费单据{我}都保留了。", "快递员收钱时连个收据都没给。"),
    rants=("质量问题凭什么让我出运费？",),
    causes=(
        ("staff", "02|质量问题退货的运费补偿未自动发起"),
        ("third_party", "1|运费险理赔规则与订单退货方式不匹配"),
    ),
    fixes=("02|补退运费并致歉", "1|协调保险方完成运费险理赔", "以运费券形式补偿"),
    tasks=(("finance", "补退客户退货运费"), ("product", "优化质量问题退货运费自动补偿流程")),
)

_fam(
    "refund_account_closed",
    "refund_return",
    goods="appliance digital home",
    ref="order",
    sev=(3, 6, 1, 0),
    demand="refund:6 explanation:1",
    titles=(
        "0|原支付卡已注销，退款退不回来",
        "01|退款失败后无人联系",
        "01|退款原路退回失败，要求改退其他账户",
        "2|退款退回已过期的储值卡，余额用不了",
    ),
    bodies=(
        "{主}退货的{item}退款显示失败，原因是原支付银行卡已注销。{我}联系客服要求退到别的卡，说需要走“特殊流程”，一周没消息。",
        "{主的}退款{price}退了{ndays}都没到，后来才知道退款失败了，也没人通知{我}。",
        "{主}用储值卡买的{item}，退款退回储值卡，可储值卡已经过期，余额用不了。",
    ),
    extras=("退款失败连个短信都没有。", "{我}能提供身份证明和新的银行卡。", "钱卡在中间，谁都不管。"),
    causes=(
        ("third_party", "01|原支付账户已注销，银行退回退款"),
        ("staff", "01|退款失败后的人工处理流程未及时跟进"),
        ("staff", "2|储值卡过期后余额处理规则不合理"),
    ),
    fixes=("01|核实身份后改退至客户新账户", "2|恢复储值卡有效期并延长一年", "人工处理退款并补偿"),
    tasks=(("finance", "办理订单{order}退款改退"), ("tech", "增加退款失败短信提醒")),
)

_fam(
    "opened_no_return",
    "refund_return",
    goods="digital baby",
    ref="order",
    sev=(5, 5, 1, 0),
    demand="refund:5 explanation:2",
    titles=("{item}拆封试用后就不给退", "拆封后发现不符合描述，不让退", "{item}拆开验货后被拒绝退货"),
    bodies=(
        "{主}{d0}买的{item}，拆封后试了一下，发现和商品页描述不一样，申请退货被拒，说拆封了不能退。",
        "{主}买的{product}，不拆封怎么知道好不好用？拆了就不能退，这不合理。",
        "{主}在{store}买的{item}，拆开包装发现颜色和样品不一样，想退，店员说“拆了就是你的了”。",
    ),
    extras=("商品都是完好的。", "{我}只是拆开看了一下。", "这不是{我}的问题，是商品不符合描述。"),
    causes=(
        ("staff", "员工对“拆封不退”规则理解错误，不符描述的商品应予退货"),
        ("customer", "该商品属于贴身卫生类，已拆封使用，不适用无理由退货"),
    ),
    fixes=("为客户办理退货退款", "向客户解释规则，提供换货选项", "退款并对门店员工培训"),
    tasks=(("quality", "复核拆封商品退货规则执行情况"), ("store_ops", "培训{store}员工退货规则")),
)

# ---- 隐私与数据安全 --------------------------------------------------------------------------------

_fam(
    "leak_scam_call",
    "privacy",
    goods="appliance digital baby apparel home",
    ref="order",
    sev=(0, 2, 5, 3),
    demand="explanation:4 compensation:3 apology:1",
    titles=(
        "下单后接到诈骗电话，对方准确说出订单信息",
        "个人信息疑似泄露，骗子冒充客服要求退款",
        "刚买的{item}就被冒充客服诈骗",
    ),
    bodies=(
        "{主}{d0}在{app}买了{product}，{d1}接到一个自称“华启客服”的电话，对方准确说出了{我}的姓名、订单号和购买的商品，说商品有质量问题要给{我}退款，让{我}下载会议软件共享屏幕。",
        "{主属}{kin}{d1}接到诈骗电话，对方知道她在{你们}家买了{item}，连收货地址都对得上，老人差点就转了{amt_l}。",
        "{主}{d1}被骗了{amt_l}，骗子自称{你们}的售后，{我}的订单号、手机号、地址全都说得一字不差，{我}才信了。",
    ),
    extras=(
        "{我}已经报警了，警察说信息泄露的源头应该找商家。",
        "{我}的信息只在{你们}这一家留过。",
        "同一个小区好几个人都接到了类似电话。",
    ),
    rants=("我的信息到底是怎么泄露出去的？",),
    causes=(
        ("third_party", "合作商家客服账号被盗，订单信息被批量导出"),
        ("undetermined", "经排查我司系统未发现异常访问，信息泄露源头尚待警方调查"),
        ("staff", "员工违规导出订单数据至个人设备，已移交公安机关"),
    ),
    fixes=(
        "配合警方提供调查所需材料，对客户账户加强保护，向客户致歉",
        "协助客户报警，视调查结果承担相应责任",
        "全面排查数据访问日志，对客户进行防诈提醒和补偿",
    ),
    tasks=(
        ("legal", "配合公安机关调查并评估数据泄露的法律责任"),
        ("tech", "排查订单{order}相关数据访问日志"),
        ("quality", "对全体客户开展防诈骗提醒推送"),
    ),
)

_fam(
    "waybill_exposure",
    "privacy",
    goods="appliance digital baby apparel home food",
    ref="order",
    sev=(3, 6, 2, 0),
    demand="explanation:3 apology:3",
    titles=(
        "快递面单暴露全名、完整手机号和地址",
        "{courier}面单未做隐私处理",
        "隐私面单功能失效，个人信息全暴露",
    ),
    bodies=(
        "{主}{d1}收到{courier}送来的{item}，面单上印着{我}的全名、完整手机号和详细地址，下单时{我}明明选了“隐私面单”。",
        "{主的}包裹被放在小区门口的货架上，面单上的信息谁都能看到，之后{我}就开始接到各种推销电话。",
        "{主}在{app}设置了隐私保护，可{courier}的面单还是显示完整手机号。",
    ),
    extras=(
        "{我}一个单身女性独居，看到面单上的信息真的很害怕。",
        "隐私面单的设置截图{我}都有。",
        "{我}的包裹盒子上还写着购买的商品名称。",
    ),
    causes=(
        ("logistics_partner", "{courier}面单打印系统未启用隐私面单模板"),
        ("staff", "隐私面单设置未传递至合作快递系统"),
    ),
    fixes=(
        "要求{courier}启用隐私面单，并向客户致歉",
        "修复设置传递问题，全面检查合作快递面单",
        "为客户更换收件手机号码保护方案",
    ),
    tasks=(
        ("logistics", "要求{courier}整改面单隐私处理"),
        ("tech", "修复隐私面单设置传递问题"),
        ("legal", "评估个人信息保护合规风险"),
    ),
)

_fam(
    "no_verify_bill",
    "privacy",
    goods="finance",
    ref="card",
    sev=(0, 3, 5, 2),
    demand="explanation:3 apology:3 punish_staff:2",
    titles=(
        "客服未核实身份就告知账单信息",
        "01|家属来电就能查到持卡人分期账单",
        "未经本人同意，客服向他人透露账户信息",
        "2|他人冒充本人来电，客服透露欠款信息",
    ),
    bodies=(
        "{主}{d1}发现{我}的{kin}打{hotline}，只报了{我}的名字和手机号，客服就把{card}的账单金额、消费明细都说了。",
        "{主属}{kin}知道了{我}办分期的事，问了才知道是她打客服电话问的，客服根本没核实身份就告诉她了。",
        "{主的}前同事冒充{我}打电话，客服没有核实就告诉了他{我}的欠款情况。",
    ),
    extras=(
        "{我}认为这是个人隐私，不应该告诉任何第三方。",
        "这件事导致{我}家里闹得很不愉快。",
        "{我}要求调取那通电话的录音。",
    ),
    rants=("这是我的个人隐私，你们凭什么告诉别人？",),
    causes=(
        ("staff", "客服未执行身份核验流程即透露账户信息，违反信息保护规定"),
        ("staff", "身份核验规则存在漏洞，仅凭姓名和手机号即可查询"),
    ),
    fixes=("对涉事客服严肃处理，向客户书面致歉", "加强身份核验，增加动态验证码", "客户账户加设查询密码保护"),
    tasks=(
        ("quality", "调取通话录音，核查客服身份核验执行情况"),
        ("legal", "评估个人金融信息泄露的合规风险"),
        ("tech", "升级电话渠道身份核验规则"),
    ),
)

_fam(
    "collection_contacts",
    "privacy",
    goods="finance",
    ref="contract",
    sev=(0, 2, 5, 3),
    demand="apology:3 punish_staff:3 explanation:2",
    titles=(
        "催收人员给通讯录亲友打电话",
        "0|逾期后同事、亲戚都接到催收电话",
        "1|催收电话打给了紧急联系人以外的人",
        "2|催收电话打到家中老人那里",
    ),
    bodies=(
        "{主的}华启分期逾期了几天，{d1}开始，{我}的同事、亲戚都接到了催收电话，对方把{我}欠钱的事说得清清楚楚。",
        "{主属}只留了{kin}作为紧急联系人，可催收打给了{我}的老板和前女友，这些号码{你们}是怎么拿到的？",
        "{主属}{kin}接到催收电话，对方说{我}欠了{price}不还，还说要起诉，老人吓得一晚上没睡。",
    ),
    extras=(
        "{我}从来没有授权{你们}读取通讯录。",
        "01|现在整个单位都知道了。",
        "{我}保留了亲友转发的通话截图。",
    ),
    rants=("你们这是违法的！",),
    causes=(
        ("third_party", "委外催收机构违规联系非紧急联系人，泄露客户债务信息"),
        ("staff", "早期版本App申请通讯录权限的告知不充分"),
    ),
    fixes=(
        "立即停止委外催收，向客户书面致歉，追究催收机构责任",
        "删除非必要的联系人数据，向客户致歉",
        "对委外机构终止合作",
    ),
    tasks=(
        ("legal", "评估违规催收及信息泄露的法律责任"),
        ("finance", "暂停合同{contract}的催收作业"),
        ("tech", "清理非必要的通讯录数据"),
    ),
)

_fam(
    "marketing_spam",
    "privacy",
    goods="service",
    ref="none",
    sev=(6, 5, 1, 0),
    prod="营销短信",
    demand="explanation:3 apology:3 cancel:2",
    slots={"cancel_obj": ("营销短信", "营销电话")},
    titles=("0|退订后仍收到营销短信", "1|每天接到推销电话，退订无效", "02|未经同意被推送营销信息"),
    bodies=(
        "{主}回复TD退订了{times}，还是天天收到{你们}的促销短信，有时候{hour}都在发。",
        "{主}{d1}又接到{你们}推销分期的电话，{我}已经说了不需要，还是一周打三四次。",
        "{主}从来没同意接收营销信息，却每天收到{你们}的短信和App推送。",
    ),
    extras=(
        "退订回复的截图{我}都有。",
        "这已经严重影响{我}的生活了。",
        "{我}要求把{我}的号码从营销名单里删掉。",
    ),
    causes=(
        ("staff", "退订名单未同步至全部营销渠道"),
        ("third_party", "外包电销团队未执行免打扰名单"),
    ),
    fixes=("将客户加入全渠道免打扰名单，并致歉", "追责外包电销团队", "核查退订同步机制"),
    tasks=(("tech", "将客户号码同步至全渠道免打扰名单"), ("legal", "评估营销信息发送的合规风险")),
)

_fam(
    "cctv_posted",
    "privacy",
    goods="apparel food home",
    ref="none",
    sev=(0, 2, 5, 3),
    prod="门店监控",
    demand="apology:4 punish_staff:3 compensation:1",
    titles=(
        "0|{store}员工把监控截图发到群里",
        "02|门店监控画面被员工拍摄外传",
        "1|被当成“可疑人员”照片贴在收银台",
        "2|老人在门店摔倒的视频被员工发到网上",
    ),
    bodies=(
        "{主}{d1}在{store}购物，后来发现{我}的监控截图被发到了一个小区团购群里，配的文字是“注意此人”。",
        "{主的}照片被{store}打印出来贴在收银台，说{我}是“可疑人员”，可{我}什么都没做过。",
        "{主属}{kin}在{store}摔了一跤，店员拍了视频发到网上，标题还很难听。",
    ),
    extras=(
        "{我}的朋友在群里看到的，截图发给了{我}。",
        "这已经严重侵犯了{我}的肖像权。",
        "{我}要求删除所有外传的照片和视频。",
    ),
    rants=("你们有什么权力这样做？",),
    causes=(
        ("staff", "02|门店员工违规翻拍监控画面并外传，违反数据安全管理规定"),
        ("staff", "1|门店防损管理中存在张贴顾客照片的违规做法"),
    ),
    fixes=(
        "删除外传内容，对涉事员工严肃处理，向客户书面致歉",
        "全面清查门店违规张贴行为，店长登门致歉",
        "赔偿客户精神损失",
    ),
    tasks=(
        ("store_ops", "清查{store}监控画面外传情况"),
        ("legal", "评估肖像权及个人信息侵权风险"),
        ("quality", "开展门店监控数据管理专项检查"),
    ),
)

_fam(
    "courier_wechat",
    "privacy",
    goods="digital baby apparel home food fresh",
    ref="order",
    sev=(0, 3, 5, 2),
    demand="punish_staff:4 apology:3",
    titles=("0|配送员用收件电话加微信骚扰", "1|快递员记下地址后多次上门骚扰", "配送员私存客户信息并频繁联系"),
    bodies=(
        "{主}{d1}收了一次{courier}的货，之后配送员就用{我}的手机号加{我}微信，不同意就每天打电话。",
        "{主属}是独居女性，{courier}的配送员送完{item}后又上门敲门好几次，说“顺路来看看”。",
        "{主}收到一个陌生人的短信，说是{我}的“老朋友”，后来才知道是那天送货的配送员。",
    ),
    extras=("{我}现在晚上都不敢一个人在家。", "{我}已经报警了。", "聊天截图和通话记录{我}都保存了。"),
    rants=("你们的配送员就是这样的素质？",),
    causes=(("logistics_partner", "{courier}配送员违规使用客户信息，已被合作方除名"),),
    fixes=(
        "要求{courier}对配送员除名，协助客户报警",
        "为客户启用虚拟号配送，向客户致歉",
        "安排安全专员跟进客户诉求",
    ),
    tasks=(
        ("logistics", "要求{courier}处理涉事配送员"),
        ("legal", "协助客户处理报警事宜"),
        ("tech", "为客户启用隐私号配送"),
    ),
)

_fam(
    "account_exposure",
    "privacy",
    goods="appliance digital baby home",
    ref="order",
    sev=(1, 4, 5, 1),
    demand="explanation:4 apology:2",
    titles=(
        "0|App里能看到别人的订单和地址",
        "1|登录后显示陌生人的账户信息",
        "2|账户被异地登录，订单信息被查看",
        "2|收货地址被陌生人修改",
    ),
    bodies=(
        "{主}{d1}打开{app}，订单列表里出现了一个陌生人的订单，能看到对方的名字、电话和地址。",
        "{主}登录后发现账户名变成了别人的，里面的订单、收货地址全是陌生人的。",
        "{主}收到异地登录提醒，登录后发现{我}的收货地址被修改了，还多了一笔{item}的订单。",
    ),
    extras=(
        "{我}担心{我}的信息也被别人看到了。",
        "{我}截图保存了证据。",
        "客服说“系统正常”，可这明显不正常。",
    ),
    causes=(
        ("staff", "01|缓存服务配置错误，部分用户会话串号"),
        ("undetermined", "2|客户账户密码与其他平台相同，疑似撞库登录"),
    ),
    fixes=(
        "01|修复缓存问题，通知受影响用户并致歉",
        "2|冻结异常订单，重置客户账户安全设置",
        "01|排查受影响范围并按规定报告监管部门",
    ),
    tasks=(("tech", "修复会话串号问题并评估影响范围"), ("legal", "评估个人信息泄露的报告义务")),
)

# ---- 人身财产安全 ----------------------------------------------------------------------------------

_fam(
    "appliance_shock",
    "safety",
    goods="appliance",
    ref="order",
    sev=(0, 1, 4, 5),
    demand="compensation:4 refund:3 explanation:1",
    titles=("0|{item}漏电，家人被电到", "01|新买的{item}外壳带电", "2|{item}漏电跳闸，险些酿成事故"),
    bodies=(
        "{主}{d0}买的{product}，{d1}{kin}去碰{item}的时候被电了一下，手麻了好久，{我}用电笔一测外壳是带电的。",
        "{主属}家的{item}用了{ndays}，{我}擦拭外壳的时候被电了一下，赶紧拉了电闸，现在想想都后怕。",
        "{主的}{item}插上电就漏电跳闸，{我}找电工查了家里线路没问题，就是{item}的问题。",
    ),
    extras=(
        "如果是小孩碰到后果不堪设想。",
        "01|{我}已经去医院检查过了，病历都在。",
        "2|电工的检测结果{我}拍了视频。",
    ),
    rants=("这是要出人命的！", "你们卖的东西是在拿人命开玩笑！"),
    causes=(
        ("product", "经厂家检测，{item}内部接地线虚接导致外壳带电，属产品质量缺陷"),
        ("third_party", "安装师傅未按规范连接地线"),
        ("customer", "客户家庭插座未接地，非产品本身问题"),
    ),
    fixes=(
        "立即为客户退货退款，承担医疗费用并赔偿，同批次产品召回排查",
        "安排厂家和第三方检测机构联合检测，先行赔付医疗费",
        "对安装网点追责，为客户重新安装并赔偿",
    ),
    tasks=(
        ("quality", "对同批次{item}开展安全排查"),
        ("legal", "评估产品责任及赔偿方案"),
        ("product", "通知厂家提交事故分析报告"),
        ("finance", "先行赔付客户医疗费用"),
    ),
)

_fam(
    "store_slip",
    "safety",
    goods="fresh food",
    ref="none",
    sev=(0, 1, 4, 5),
    prod="门店购物环境",
    demand="compensation:6 apology:1",
    slots={"spot": ("生鲜区", "水产区", "入口处", "冷柜前", "卫生间门口")},
    titles=(
        "02|在{store}{spot}滑倒摔伤",
        "01|门店地面湿滑无警示，顾客摔倒骨折",
        "1|{kin}在{store}摔伤，要求赔偿医药费",
    ),
    bodies=(
        "{主}{d1}在{store}{spot}走着走着就滑倒了，地上全是水，没有任何警示牌，{我}手腕骨折。",
        "{主属}{kin}七十多岁，{d1}在{store}{spot}摔了一跤，当时就站不起来，送医院检查是股骨骨折。",
        "{主}{d1}在{store}{spot}被地上的菜叶滑倒，后脑勺磕到地上，店员只是扶起来就走了。",
    ),
    extras=(
        "医药费已经花了{amt_l}。",
        "{我}有医院的诊断证明。",
        "店里的监控应该都拍到了。",
        "事后门店只给了一个果篮。",
        "1|老人现在还躺在医院里。",
    ),
    rants=("地上那么多水就没人管吗？",),
    causes=(
        ("staff", "{spot}地面清洁不及时且未放置防滑警示标识，门店安全管理不到位"),
        ("undetermined", "监控显示地面有少量积水，客户穿着拖鞋，责任比例需协商"),
    ),
    fixes=(
        "门店先行垫付医疗费用，店长上门探望，按协商结果赔偿",
        "承担全部医疗及误工费用并书面致歉",
        "通过公众责任险理赔，专人跟进",
    ),
    tasks=(
        ("store_ops", "调取{store}监控并全面排查地面湿滑隐患"),
        ("legal", "评估人身损害赔偿责任"),
        ("finance", "办理公众责任险理赔及先行垫付"),
    ),
)

_fam(
    "toy_small_parts",
    "safety",
    goods="toys",
    ref="order",
    sev=(0, 1, 4, 5),
    demand="refund:3 compensation:4 explanation:1",
    titles=(
        "0|{item}小零件脱落，孩子误吞送医",
        "儿童玩具零件易脱落，存在窒息风险",
        "2|{item}标注3岁以上但零件太小",
    ),
    bodies=(
        "{主}{d0}在{app}给{child}买了{product}，{d1}发现孩子把一个小零件放进了嘴里，差点吞下去，赶紧去了医院。",
        "{主}买的{item}，玩了没几天零件就掉了，{child}捡起来往嘴里放，幸好{我}看到了。",
        "{主}给{child}买的{item}包装上写适合3岁以上，可零件小得能直接吞下去。",
    ),
    extras=("急诊的病历{我}都留着。", "这种玩具怎么能卖给孩子？", "{我}看到网上也有家长反映同样的问题。"),
    rants=("孩子差点出事！！",),
    causes=(
        ("product", "经检测，{item}小零件拉力测试不合格，存在脱落风险"),
        ("product", "包装年龄标识不符合国家玩具安全标准"),
        ("undetermined", "已送第三方检测，结果待出"),
    ),
    fixes=(
        "全面下架该批次{item}，为客户全额退款并承担医疗费用",
        "启动召回，通知所有购买用户",
        "赔偿客户并书面致歉",
    ),
    tasks=(
        ("quality", "将{item}送第三方检测并下架同批次"),
        ("legal", "评估产品召回及赔偿责任"),
        ("product", "通知供应商并启动召回"),
    ),
)

_fam(
    "food_foreign",
    "safety",
    goods="food fresh",
    ref="mixed",
    sev=(0, 2, 4, 4),
    demand="compensation:5 refund:2 explanation:1",
    slots={"foreign": ("一根头发", "一小块玻璃碴", "一个金属钉", "一只虫子", "一段塑料绳", "一块碎骨头")},
    titles=(
        "{item}里发现{foreign}",
        "食品异物，{item}中发现{foreign}",
        "2|在{store}买的{item}有异物",
        "0|{item}里吃出{foreign}，差点划伤嘴",
    ),
    bodies=(
        "{主}{d0}买的{product}，{d1}吃的时候吃出了{foreign}，差点划伤嘴。",
        "{主属}{child}吃{item}的时候，{我}发现里面有{foreign}，{我}当场就吓坏了。",
        "{主}在{store}买的{item}，拆开包装就看到{foreign}，批号和生产日期{我}都拍了。",
    ),
    extras=(
        "剩下的{item}{我}都封存好了，可以送检。",
        "按食品安全法应该十倍赔偿。",
        "吃进去的那部分{我}担心有问题。",
    ),
    rants=("这要是吃进去了怎么办？",),
    causes=(
        ("product", "经供应商排查，生产线金属检测设备失灵导致异物混入"),
        ("staff", "门店现场加工环节卫生管理不到位"),
        ("undetermined", "异物来源待第三方检测确认"),
    ),
    fixes=(
        "按食品安全法十倍赔偿，同批次商品下架送检",
        "全额退款并补偿，要求供应商整改",
        "先行赔付，送检后按结果进一步处理",
    ),
    tasks=(
        ("quality", "封存同批次{item}并送检"),
        ("legal", "评估食品安全赔偿责任"),
        ("product", "约谈供应商并要求提交整改报告"),
    ),
)

_fam(
    "battery_swell",
    "safety",
    goods="digital",
    ref="order",
    sev=(0, 1, 4, 5),
    demand="refund:3 compensation:4 replacement:1",
    titles=(
        "0|{item}充电时冒烟，烧坏了床单",
        "1|{item}电池鼓包，险些引发火灾",
        "2|在车里给{item}充电突然起火",
        "02|{item}充电起火，要求赔偿",
    ),
    bodies=(
        "{主}{d0}买的{product}，{d1}晚上充电时突然冒烟，{我}赶紧拔了插头，床单被烧了一个洞。",
        "{主的}{item}用了{ndays}，电池鼓起来把后盖都顶开了，{我}不敢再用。",
        "{主}{d1}在车里充{item}，突然就着火了，幸好{我}在车上，车座椅被烧坏了。",
    ),
    extras=(
        "0|如果是半夜睡着了，后果不敢想。",
        "烧坏的{item}{我}都保留着。",
        "02|{我}用的是原装充电器。",
        "1|{item}现在放在阳台上，{我}都不敢碰。",
    ),
    rants=("这是要出人命的！",),
    causes=(
        ("product", "经厂家检测，电池电芯存在批次缺陷"),
        ("customer", "客户使用非原装快充设备，导致电池过热"),
        ("undetermined", "已送第三方检测，结果待出"),
    ),
    fixes=(
        "为客户退货退款，并赔偿财产损失",
        "启动同批次排查，赔偿客户",
        "送检后按结果处理，先行赔付部分损失",
    ),
    tasks=(
        ("quality", "送检涉事{item}并排查同批次"),
        ("legal", "评估产品安全事故责任"),
        ("product", "通知厂家提交电池安全分析"),
    ),
)

_fam(
    "shelf_fall",
    "safety",
    goods="food",
    ref="none",
    sev=(0, 1, 4, 5),
    prod="门店货架",
    demand="compensation:6 apology:1",
    titles=("01|{store}货架商品掉落砸伤顾客", "1|门店高处货物坠落砸中{child}", "2|门店货架倒塌，顾客受伤"),
    bodies=(
        "{主}{d1}在{store}挑东西，货架顶层的一箱{item}突然掉下来，砸到了{我}的肩膀。",
        "{主}{d1}带{child}在{store}逛，货架上的{item}掉下来砸到了孩子头上，起了个大包。",
        "{主}在{store}买东西时，旁边一排货架突然倾斜，{我}躲闪不及被压伤了腿。",
    ),
    extras=("当时店员还说是{我}自己碰的。", "医院检查的费用{我}先垫了。", "货架上的东西堆得太高了。"),
    rants=("门店的安全管理呢？",),
    causes=(
        ("staff", "门店高层货架堆放超高且未做防坠固定"),
        ("staff", "货架安装不牢固，日常巡检未发现"),
    ),
    fixes=("承担全部医疗费用，店长上门探望致歉", "全面检查门店货架安全，赔偿客户", "通过公众责任险理赔"),
    tasks=(
        ("store_ops", "全面排查{store}货架安全隐患"),
        ("legal", "评估人身损害赔偿"),
        ("finance", "办理保险理赔"),
    ),
)

_fam(
    "cart_escalator_injury",
    "safety",
    goods="food fresh home",
    ref="none",
    sev=(0, 1, 4, 5),
    prod="门店扶梯/购物车",
    demand="compensation:5 explanation:2",
    titles=("0|{store}扶梯夹伤{child}", "1|购物车轮子脱落，顾客被砸伤", "2|门店电动扶梯突然停止，顾客摔倒"),
    bodies=(
        "{主}{d1}带{child}在{store}坐扶梯，孩子的鞋子被扶梯夹住，脚趾受伤。",
        "{主}{d1}在{store}推购物车，车轮突然脱落，车里的东西砸到了{我}的脚。",
        "{主}{d1}在{store}坐扶梯时扶梯突然急停，{我}摔倒在台阶上，膝盖受伤。",
    ),
    extras=(
        "02|扶梯旁边没有任何工作人员。",
        "医院的检查报告{我}都保存了。",
        "门店说要先等“保险公司来定损”。",
    ),
    causes=(
        ("staff", "02|扶梯维保不到位，梳齿板异常未及时维修"),
        ("third_party", "02|扶梯维保单位未按期检修"),
        ("staff", "1|购物车老化未及时报废更换"),
    ),
    fixes=(
        "承担医疗费用并赔偿",
        "02|扶梯停运检修，追究维保单位责任，先行赔付客户",
        "1|全面检查购物车并更换老化车辆，赔偿客户",
    ),
    tasks=(
        ("store_ops", "对{store}扶梯和购物车开展安全检查"),
        ("legal", "评估赔偿责任"),
        ("quality", "02|约谈扶梯维保单位"),
        ("finance", "1|办理公众责任险理赔"),
    ),
)

_fam(
    "allergy_reaction",
    "safety",
    goods="food",
    ref="mixed",
    sev=(0, 1, 4, 5),
    demand="compensation:5 explanation:2",
    slots={"allergen": ("花生", "坚果", "乳制品", "芝麻", "虾蟹")},
    titles=(
        "0|过敏原标签缺失导致{child}过敏送医",
        "{item}配料未标注{allergen}，食用后过敏",
        "1|商品标注“不含{allergen}”，实际含有",
        "2|店员说不含{allergen}，吃完马上过敏",
    ),
    bodies=(
        "{主}给{child}买的{product}，包装上没有标注含{allergen}，孩子吃完后全身起疹子，呼吸困难，送了急诊。",
        "{主属}对{allergen}过敏，特意看了配料表才买的{item}，吃完后还是过敏了，送去检测发现含有{allergen}。",
        "{主}{d1}在{store}买的{item}，店员说不含{allergen}，结果{我}吃了马上就过敏了。",
    ),
    extras=("急诊的病历和费用单{我}都保留了。", "{我}有严重的过敏史。", "剩余的{item}{我}保存着。"),
    rants=("过敏是会要命的！",),
    causes=(
        ("product", "供应商生产线存在交叉污染，标签未标注过敏原提示"),
        ("staff", "门店员工对过敏原信息答复不严谨"),
        ("undetermined", "已送检，结果待出"),
    ),
    fixes=(
        "承担全部医疗费用并赔偿，商品下架",
        "要求供应商补充过敏原标识，赔偿客户",
        "送检后按结果进一步处理",
    ),
    tasks=(
        ("quality", "送检{item}并核查过敏原标识"),
        ("legal", "评估产品责任"),
        ("product", "要求供应商整改标签"),
    ),
)

# ---- 其他 ------------------------------------------------------------------------------------------

_fam(
    "parking_fee",
    "other",
    goods="service",
    ref="none",
    sev=(6, 5, 0, 0),
    prod="门店停车服务",
    demand="explanation:3 refund:3",
    titles=("{store}购物满额不给免停车费", "门店停车场收费标准与公示不符", "停车场收费系统故障多收钱"),
    bodies=(
        "{主}{d1}在{store}消费了{price}，按规定可以免费停车两小时，出口却收了{amt_s}，收费员说系统没识别到{我}的消费记录。",
        "{主}在{store}停车场停了一个半小时，公示写的是首小时免费，结果收了{amt_s}。",
        "{主}{d1}去{store}，停车场入口的收费牌写着会员免费，出来的时候还是收了钱。",
    ),
    extras=("收费员态度也很差。", "{我}把公示牌拍下来了。", "钱不多，但是很不合理。"),
    causes=(
        ("staff", "停车系统与会员消费系统未对接，未自动减免"),
        ("third_party", "停车场为物业管理，收费规则与门店宣传不一致"),
    ),
    fixes=("退还停车费，并修复系统对接问题", "与物业协调统一收费规则，向客户致歉"),
    tasks=(("store_ops", "协调{store}停车场收费与会员消费减免规则"), ("tech", "修复停车系统对接")),
)

_fam(
    "stored_value_card",
    "other",
    goods="service",
    ref="none",
    sev=(1, 5, 4, 1),
    prod="华启优选储值卡",
    demand="refund:5 explanation:2",
    titles=("{store}闭店后储值卡余额无法使用", "储值卡余额{price}不给退", "门店关闭后储值卡成了废卡"),
    bodies=(
        "{主}在{store}办的储值卡，里面还有{price}，{d1}突然通知闭店，说可以去其他门店用，可最近的门店离{我}家二十公里。",
        "{主}{d0}充了{price}的储值卡，现在门店关了，{我}要求退余额，客服说储值卡不能退现金。",
        "{主的}储值卡在线上不能用，只能在{store}用，可{store}已经关门了。",
    ),
    extras=(
        "{我}是老人，去远的门店不方便。",
        "办卡的时候说的是全渠道通用。",
        "{我}身边好几个老邻居都有这个问题。",
    ),
    causes=(("staff", "闭店方案未对储值卡持卡客户制定退款安排"), ("staff", "储值卡线上使用功能未开通")),
    fixes=(
        "为客户办理储值卡余额退款",
        "开通储值卡线上使用功能，并赠送配送券",
        "安排专人上门为老年客户办理退卡",
    ),
    tasks=(
        ("finance", "核对储值卡余额并办理退款"),
        ("legal", "评估闭店储值卡兑付合规要求"),
        ("tech", "开通储值卡线上支付"),
    ),
)

_fam(
    "lottery_rules",
    "other",
    goods="service",
    ref="none",
    sev=(6, 5, 0, 0),
    prod="营销活动",
    demand="explanation:5 compensation:1",
    slots={"prize": ("电视", "手机", "五百元购物卡", "免单资格", "扫地机器人")},
    titles=("01|抽奖活动中奖后不给兑奖", "01|活动规则不透明，奖品{prize}被取消", "2|{promo}直播抽奖疑似内定"),
    bodies=(
        "{主}{d1}在{app}参加{promo}抽奖，中了{prize}，过了两天说{我}“不符合活动规则”，中奖资格取消了。",
        "{主}参加{store}的抽奖活动，中了{prize}，店员说奖品已经发完了，给{我}换成一张二十元的券。",
        "{主}在{你们}的直播间参加抽奖，规则说每人都有机会，可中奖名单里全是同一个尾号的人。",
    ),
    extras=("中奖的截图{我}都保存了。", "活动规则里根本没写那一条。", "感觉就是骗人参与的。"),
    causes=(
        ("staff", "02|活动规则条款表述不清，中奖资格审核标准未公示"),
        ("staff", "1|门店奖品备货不足，未及时更新活动页面"),
    ),
    fixes=("恢复客户中奖资格并发放奖品", "向客户说明活动规则，补发等值奖品并致歉"),
    tasks=(("product", "复核{promo}活动规则并公示中奖审核标准"), ("legal", "评估营销活动合规风险")),
)

_fam(
    "store_noise",
    "other",
    goods="service",
    ref="none",
    sev=(3, 6, 2, 0),
    prod="门店周边",
    demand="explanation:3 apology:3",
    slots={"noise": ("半夜卸货", "促销音响开得很大", "装修施工到深夜", "空调外机噪音很大", "凌晨清运垃圾")},
    titles=("{store}{noise}扰民", "周边居民投诉门店{noise}", "门店{noise}影响休息"),
    bodies=(
        "{主属}住在{store}楼上，{你们}门店每天{noise}，{我}家孩子要高考，根本没法休息。",
        "{主属}是{store}附近的居民，门店最近{noise}，跟店长反映过{times}，一点改善都没有。",
        "{主}{d1}晚上十一点多还被吵得睡不着，{store}{noise}。",
    ),
    extras=("{我}已经向物业和街道反映过了。", "{我}录了视频，分贝仪都测过了。", "整栋楼的住户都有意见。"),
    causes=(("staff", "门店夜间卸货时段未按与物业的约定执行"), ("third_party", "装修施工方违规夜间施工")),
    fixes=("调整门店卸货时间，店长登门致歉", "停止夜间施工并致歉"),
    tasks=(("store_ops", "调整{store}夜间作业时段"), ("legal", "评估噪音扰民的行政处罚风险")),
)

_fam(
    "suggestion",
    "other",
    goods="service",
    ref="none",
    sev=(9, 2, 0, 0),
    prod="门店服务设施",
    demand="explanation:4",
    slots={"want": ("母婴室", "休息座椅", "饮水机", "购物车消毒", "雨伞借用", "大字价签")},
    titles=("建议{store}增设{want}", "门店缺少{want}，希望改进", "关于门店{want}的建议"),
    bodies=(
        "{主}经常去{store}买东西，店里没有{want}，带着孩子和老人很不方便，希望能增加。",
        "{主}建议{你们}门店提供{want}，{我}去过别的商场都有。",
        "{主}{d1}在{store}购物，想找{want}，问了店员说没有，希望门店考虑一下。",
    ),
    extras=("只是一个小建议，希望采纳。", "{我}是老顾客了，希望门店越来越好。", "周边很多宝妈都有这个需求。"),
    causes=(("undetermined", "门店服务设施配置标准未包含该项"),),
    fixes=("感谢客户建议，已纳入门店改造计划", "已在{store}增设{want}，并电话告知客户"),
    tasks=(("store_ops", "评估{store}增设{want}的可行性"),),
)

_fam(
    "packaging_waste",
    "other",
    goods="appliance digital food fresh baby",
    ref="order",
    sev=(8, 3, 0, 0),
    demand="explanation:4 apology:1",
    titles=(
        "02|一个{item}用了三层包装，过度包装",
        "快递包装太多不环保",
        "0|网购{item}包装远超商品体积",
        "1|几样东西拆成四个包裹发",
    ),
    bodies=(
        "{主}{d1}收到的{item}，外面一个大纸箱，里面又是泡沫又是气泡膜，{item}本身只有巴掌大。",
        "{主}买了几样东西，分成了四个包裹发，每个都用了大箱子。",
        "{主}觉得{你们}的包装太浪费了，{item}外面裹了三层塑料。",
    ),
    extras=("现在都在提倡环保。", "拆快递拆了半天，垃圾扔了一大袋。", "希望能提供简易包装选项。"),
    causes=(("staff", "仓库包装规格选择未按商品尺寸匹配"), ("third_party", "供应商原厂包装过度")),
    fixes=("感谢客户反馈，已优化包装规格", "在下单页增加“简易包装”选项"),
    tasks=(("logistics", "优化仓库包装规格匹配规则"), ("product", "评估增加简易包装选项")),
)

_fam(
    "membership_upgrade",
    "other",
    goods="service",
    ref="none",
    sev=(6, 5, 0, 0),
    prod="会员等级",
    demand="explanation:5 compensation:1",
    titles=("02|消费达标但会员等级没有升级", "1|会员等级被降级，不知道原因", "02|会员成长值计算有误"),
    bodies=(
        "{主}今年在{你们}消费了好几万，按规则应该升到{tier}，可系统一直没升，客服说“成长值计算有延迟”。",
        "{主}{d1}发现会员等级被降了，没收到任何通知，问客服说是“年度重新评定”。",
        "{主}在门店的消费没有计入会员成长值，只有线上消费算。",
    ),
    extras=("会员规则{我}看了好几遍，没说门店消费不算。", "降级后很多权益都没了。", "{我}是老客户了。"),
    causes=(("staff", "02|门店消费数据同步至会员系统延迟"), ("staff", "1|会员年度评定规则调整未提前通知")),
    fixes=("02|补录门店消费成长值并为客户升级", "1|向客户说明评定规则，恢复原等级至年底"),
    tasks=(("tech", "修复门店消费同步会员成长值的问题"), ("product", "完善会员等级变更通知机制")),
)

_fam(
    "public_event",
    "other",
    goods="service",
    ref="none",
    sev=(5, 6, 1, 0),
    prod="门店活动",
    demand="apology:3 explanation:3",
    slots={"event": ("亲子烘焙课", "试吃活动", "会员沙龙", "儿童绘画比赛", "家电以旧换新现场活动")},
    titles=(
        "0|报名的{event}临时取消没通知",
        "12|{store}{event}组织混乱",
        "1|{event}现场秩序差，孩子被挤哭",
        "2|报名成功却不在{event}签到名单里",
    ),
    bodies=(
        "{主}{d1}带{child}去{store}参加{event}，到了才知道活动取消了，之前没有任何通知。",
        "{主}参加{store}的{event}，报名的人太多，现场根本没人维持秩序，{child}被挤哭了。",
        "{主}在{app}报名了{event}，到现场说名单里没有{我}，白跑一趟。",
    ),
    extras=("{我}专门请了假带孩子去的。", "报名成功的截图{我}都有。", "现场工作人员也说不清楚。"),
    causes=(
        ("staff", "0|活动取消后未通过短信通知已报名客户"),
        ("staff", "1|活动报名人数未设上限，现场管理不到位"),
        ("staff", "2|报名系统与现场签到名单未同步"),
    ),
    fixes=("向客户致歉，优先安排下期活动名额", "赠送活动礼包并致歉"),
    tasks=(("store_ops", "完善{store}门店活动报名和通知流程"),),
)

# --------------------------------------------------------------------------------------------------
# Indexes built once at import (small)
# --------------------------------------------------------------------------------------------------

_BY_CATEGORY: dict[str, tuple[_Family, ...]] = {
    code: tuple(f for f in _FAMILIES if f.category == code) for code, _ in CATEGORIES
}
_CAT_POOL: tuple[str, ...] = tuple(
    code for code, _ in CATEGORIES for _ in range(round(CATEGORY_WEIGHTS[code] * 100))
)

# --------------------------------------------------------------------------------------------------
# Slot filling
# --------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, seq):  # faster than rng.choice for short tuples
    return seq[int(rng.random() * len(seq))]


def _money(rng: random.Random, n: int) -> str:
    return f"¥{n}" if rng.random() < 0.3 else f"{n}元"


def _days_text(n: int) -> str:
    return f"{_CN_NUM[n]}天" if n <= 10 else f"{n}天"


class _Slots(dict):
    """Lazily filled template slots for one complaint; each slot is drawn at most once."""

    __slots__ = ("fam", "rng", "today")

    def __missing__(self, key: str) -> str:
        local = self.fam.slots.get(key)
        if local is not None:
            value = local[int(self.rng.random() * len(local))]
            if "{" in value:
                value = value.format_map(self)
        else:
            value = _SLOT_FUNCS[key](self)
            if value is None:  # a function that fills several related slots at once
                return dict.__getitem__(self, key)
        self[key] = value
        return value


def _s_product(s: _Slots) -> None:
    rng = s.rng
    name, short, lo, hi = _pick(rng, s.fam.goods)
    n = lo + int(rng.random() * (hi - lo + 1))
    if n >= 1000:
        n = n - n % 100 + _pick(rng, (99, 99, 99, 49, 88, 0))
    elif n >= 100:
        n = n - n % 10 + 9
    n = max(n, lo)
    s["product"], s["item"], s["price_n"], s["price"] = name, short, n, _money(rng, n)


def _fmt_date(d: date, today: date) -> str:
    return f"{d.month}月{d.day}日" if d.year == today.year else f"{d.year}年{d.month}月{d.day}日"


def _s_dates(s: _Slots) -> None:
    rng, today = s.rng, s.today
    t = today.toordinal()
    o0 = t - 15 - int(rng.random() * 346)
    gap = 2 + int(rng.random() * 13)
    o1 = min(o0 + gap, t)
    o2 = min(o1 + 1 + int(rng.random() * 7), t)
    d0, d1 = date.fromordinal(o0), date.fromordinal(o1)
    s["_d0"], s["_d1"] = d0, d1
    s["d0"], s["d1"], s["d2"] = (
        _fmt_date(d0, today),
        _fmt_date(d1, today),
        _fmt_date(date.fromordinal(o2), today),
    )
    s["ndays"] = _days_text(gap)


def _need_dates(s: _Slots) -> None:
    if "_d0" not in s:
        _s_dates(s)


def _s_order(s: _Slots) -> str:
    _need_dates(s)
    d = s["_d0"]
    return f"DD{d.year}{d.month:02d}{d.day:02d}{int(s.rng.random() * 1_000_000):06d}"


def _s_contract(s: _Slots) -> str:
    _need_dates(s)
    return f"HQ-FQ-{s['_d0'].year}-0{int(s.rng.random() * 10_000):04d}"


def _s_ticket(s: _Slots) -> str:
    _need_dates(s)
    d = s["_d1"]
    return f"TS{d.year}{d.month:02d}{d.day:02d}{int(s.rng.random() * 10_000):04d}"


def _s_promo(s: _Slots) -> str:
    _need_dates(s)
    return _pick(s.rng, _PROMOS[s["_d0"].month])


def _s_store(s: _Slots) -> None:
    city, branch = _pick(s.rng, _STORES)
    s["store"], s["city"] = f"华启优选{city}{branch}店", city


def _s_tail4(s: _Slots) -> str:
    return f"{int(s.rng.random() * 10_000):04d}"


def _s_diff(s: _Slots) -> str:
    price = s["price_n"]
    n = max(5, int(price * (0.05 + s.rng.random() * 0.25)))
    n = n - n % 10 if n >= 50 else n
    return _money(s.rng, n)


def _s_monthly(s: _Slots) -> str:
    return _money(s.rng, max(1, s["price_n"] // int(s["periods"])))


def _s_amount(lo: int, hi: int, step: int):
    def fill(s: _Slots) -> str:
        n = lo + int(s.rng.random() * (hi - lo + 1))
        return _money(s.rng, max(lo, n - n % step))

    return fill


def _const_pick(pool: tuple[str, ...]):
    return lambda s: _pick(s.rng, pool)


_SLOT_FUNCS = {
    "product": _s_product,
    "item": _s_product,
    "price": _s_product,
    "price_n": _s_product,
    "d0": _s_dates,
    "d1": _s_dates,
    "d2": _s_dates,
    "ndays": _s_dates,
    "_d0": _s_dates,
    "_d1": _s_dates,
    "order": _s_order,
    "contract": _s_contract,
    "ticket": _s_ticket,
    "promo": _s_promo,
    "store": _s_store,
    "city": _s_store,
    "tail4": _s_tail4,
    "phone_tail": _s_tail4,
    "card": lambda s: f"尾号{s['tail4']}的华启联名卡",
    "diff": _s_diff,
    "monthly": _s_monthly,
    "periods": _const_pick(("3", "6", "6", "12", "12", "24")),
    "fee": _s_amount(15, 680, 1),
    "amt_s": _s_amount(8, 99, 1),
    "amt_m": _s_amount(100, 999, 10),
    "amt_l": _s_amount(1000, 20000, 100),
    "pts": lambda s: str((20 + int(s.rng.random() * 580)) * 100),
    "reposts": lambda s: str(50 + int(s.rng.random() * 5000)),
    "comments": lambda s: str(20 + int(s.rng.random() * 900)),
    "courier": _const_pick(_COURIERS),
    "agent": lambda s: _pick(s.rng, _AGENT_FMT).format(n=8000 + int(s.rng.random() * 2000)),
    "staff": lambda s: _pick(s.rng, _STAFF).format_map(s),
    "surname": _const_pick(tuple(_SURNAMES_STAFF)),
    "kin": _const_pick(_KIN),
    "child": _const_pick(_CHILD),
    "nth": _const_pick(_NTH),
    "times": _const_pick(_TIMES),
    "wait": _const_pick(_WAIT),
    "hour": _const_pick(_HOUR),
    "app": _const_pick(_APP),
    "hotline": _const_pick(_HOTLINE),
    "tier": _const_pick(_TIER_LABEL),
    "cancel_obj": _const_pick(("订单",)),
}


# --------------------------------------------------------------------------------------------------
# Compensation
# --------------------------------------------------------------------------------------------------

_COMP_PLANS: dict[str, tuple[tuple[str, ...], ...]] = {
    "refund": (("refund",), ("refund", "voucher"), ("refund", "points"), ("refund",)),
    "replacement": (("replacement",), ("replacement", "voucher"), ("replacement", "value_added")),
    "repair": (("value_added",), ("value_added", "voucher"), ("voucher",), ("value_added", "points")),
    "compensation": (
        ("voucher",),
        ("points",),
        ("refund",),
        ("voucher", "points"),
        ("refund", "written_apology"),
    ),
    "apology": (
        ("written_apology",),
        ("written_apology", "voucher"),
        ("written_apology", "points"),
        ("voucher",),
    ),
    "explanation": ((), ("points",), ("voucher",), ("points",)),
    "punish_staff": (
        ("written_apology",),
        ("written_apology", "voucher"),
        ("voucher",),
        ("written_apology", "points"),
    ),
    "cancel": (("refund",), ("fee_waiver",), (), ("refund", "points")),
}
# Families where the complaint is not about something the customer paid for: nothing to refund.
_NO_PURCHASE = frozenset(
    (
        "marketing_spam",
        "cctv_posted",
        "store_noise",
        "suggestion",
        "lottery_rules",
        "public_event",
        "membership_upgrade",
        "wheelchair_access",
        "store_slip",
        "shelf_fall",
        "cart_escalator_injury",
        "parking_fee",
        "security_search",
        "elder_mocked",
        "store_rude",
        "elderly_cash",
    )
)
_STEP = {"low": 5, "medium": 10, "high": 50, "critical": 100}
_MONEY_TYPES = ("refund", "replacement", "voucher", "fee_waiver", "value_added")


def _amount(rng: random.Random, severity: str) -> int:
    lo, hi = SEVERITY_BANDS[severity]
    x = rng.random()
    step = _STEP[severity]
    v = int((lo + (hi - lo) * x * x) / step + 0.5) * step
    return min(max(v, lo, step), hi)


def _compensation(
    rng: random.Random, severity: str, demand: str, resp: str, s: _Slots
) -> list[tuple[str, int]]:
    lo, hi = SEVERITY_BANDS[severity]
    if resp == "customer":
        return (
            [] if rng.random() < 0.65 else [(_pick(rng, ("value_added", "points")), _amount(rng, severity))]
        )
    plan = list(_pick(rng, _COMP_PLANS[demand]))
    fam = s.fam
    if fam.finance:
        plan = [("fee_waiver" if t in ("refund", "voucher") and rng.random() < 0.6 else t) for t in plan]
    else:  # fee waivers are a finance remedy; a case without a purchase has nothing to refund
        purchase = fam.key not in _NO_PURCHASE
        plan = [("refund" if purchase else "voucher") if t == "fee_waiver" else t for t in plan]
        if not purchase:
            plan = [("voucher" if t in ("refund", "replacement") else t) for t in plan]
    if severity == "low":
        plan = [("points" if t == "written_apology" and rng.random() < 0.7 else t) for t in plan]
    if severity in ("high", "critical") and not any(t in _MONEY_TYPES for t in plan):
        plan.append("fee_waiver" if s.fam.finance else _pick(rng, ("voucher", "refund")))
    out: dict[str, int] = {}
    for t in plan:
        if t == "written_apology":
            amount = 0
        elif t in ("refund", "replacement"):
            price = s["price_n"]
            if lo <= price <= hi:
                amount = price  # the whole purchase
            elif t == "refund" and price > hi and severity in ("high", "critical"):
                amount = _amount(rng, severity)  # partial refund
            else:  # goods too cheap or too dear for the band: compensate with a voucher instead
                t, amount = "voucher", _amount(rng, severity)
        elif t == "points":
            if severity == "critical":  # nobody settles a critical case in points
                t = "voucher"
            amount = _amount(rng, severity)
            if t == "points":
                amount = min(amount, max(lo, 500))
        else:
            amount = _amount(rng, severity)
        out.setdefault(t, amount)
    return list(out.items())


_VALUE_ADDED = (
    "免费上门检测服务（价值{n}元）",
    "延长保修一年（价值{n}元）",
    "免费深度清洗一次（价值{n}元）",
    "免费安装调试（价值{n}元）",
)


def _comp_phrase(rng: random.Random, t: str, n: int) -> str:
    if t == "voucher":
        return f"{n}元{_pick(rng, ('购物券', '无门槛券', '优惠券'))}"
    if t == "points":
        return f"{n * 100}积分"
    if t == "refund":
        return f"退款{n}元"
    if t == "replacement":
        return f"换新（价值{n}元）"
    if t == "fee_waiver":
        return f"减免利息及手续费{n}元"
    if t == "written_apology":
        return "书面致歉信"
    return _pick(rng, _VALUE_ADDED).format(n=n)


# --------------------------------------------------------------------------------------------------
# Complaint text
# --------------------------------------------------------------------------------------------------

_CAUSE_LEAD = ("经核查，", "调查结论：", "经调取记录核实，", "", "经与相关部门核实，", "初步调查：")
_FIX_TAIL = (
    "",
    "",
    "已电话告知客户处理结果。",
    "处理结果已短信同步客户。",
    "已与客户确认方案。",
    "后续由专人回访。",
)
_COMP_LEAD = ("；补偿：", "；同时给予客户", "；另向客户提供", "；按补偿标准给予")
_EXTRA_COUNT = {
    "first": (0, 0, 1, 1, 1, 2, 2, 3),
    "email": (1, 2, 2, 3, 4),
    "social": (0, 1, 1, 2, 2, 3),
    "handler": (0, 1, 1, 2, 2),
    "letter": (1, 2, 3, 3, 4),
    "api": (0, 1, 1, 2),
}
_CHASE_P = {"first": 0.3, "email": 0.6, "social": 0.3, "handler": 0.3, "letter": 0.6, "api": 0.2}
_SOCIAL_LEAD = ("", "", "", "#华启优选# ", "@华启优选 ", "避雷！", "真的服了，")
_BACKGROUND_FIRST = (
    "我在{你们}这买东西好几年了，一直挺信任{你们}的。",
    "我平时上班很忙，实在没精力来回折腾。",
    "我是{你们}的{tier}，每年在{你们}这消费不少。",
    "这件事我本来不想闹大。",
    "我家离{store}不远，平时基本都在{你们}这买。",
    "说实话我之前还推荐过朋友来{你们}这买。",
)
_BACKGROUND_HANDLER = (
    "{我}为我司{tier}，近一年购物记录良好。",
    "{我}表示平时工作繁忙，无法反复来电。",
    "{我}自述在我司购物多年。",
    "{我}表示此前对我司印象较好。",
)
_CHASE_FIRST = (
    "{d1}我第一次联系客服，对方让我等通知；{d2}再打过去，换了个人，又让我从头说一遍。",
    "这期间我打了{times}{hotline}，每次排队都要{wait}。",
    "{agent}当时说一定会跟进，结果就没了下文。",
    "我在App里提交的工单{ticket}，状态到现在还是“处理中”。",
    "{d2}我又到{store}问了一次，店员说这事得找线上。",
    "客服每次都说“已经帮您加急了”，可到底加急到哪了谁也说不清。",
    "为了这件事我已经前前后后折腾了快两个星期。",
)
_CHASE_HANDLER = (
    "据{我}描述，{d1}首次联系客服，被告知等待通知；{d2}再次来电，仍无进展。",
    "{我}称期间拨打{hotline}{times}，每次排队约{wait}。",
    "{我}称{agent}曾承诺跟进，此后未再联系。",
    "{我}提供了App工单号{ticket}，状态仍为“处理中”。",
    "{我}称{d2}曾到{store}询问，被告知需联系线上客服。",
    "{我}表示已为此事往返沟通近两周。",
)
_PADDING_FIRST = ("希望{你们}认真对待。", "麻烦尽快给我一个明确的答复。")
_PADDING_HANDLER = ("{我}希望尽快得到明确答复。", "已告知{我}将由专人跟进。")
_CUSTOMER_FIXES = (
    "经核实责任不在我司，已向客户耐心说明调查结果及相关规则",
    "向客户出示调查记录并逐项解释，客户表示理解",
    "向客户说明情况，并从客户关怀角度提供协助",
    "与客户沟通核查结论，客户对结论基本认可",
    "已将相关记录及规则条款发送客户，并电话解释",
)
_HIST_P = {"low": 0.1, "medium": 0.25, "high": 0.4, "critical": 0.45}
_TASK_COUNT = {"low": (1,), "medium": (1, 2, 2), "high": (2, 3), "critical": (2, 3, 3)}
_GENERIC_TASKS = {
    "legal": (
        "评估客户索赔诉求及潜在诉讼风险，出具处理意见",
        "审核对客户的书面答复及和解方案措辞",
        "评估本案是否涉及监管报告义务",
    ),
    "finance": ("核对并办理客户补偿款项出账", "跟进退款到账情况并回传凭证"),
}
_FIRST_VOICES = ("first", "email", "social")


def complaint_text(
    rng: random.Random, *, channel: str, category: str | None = None, today: date | None = None
) -> ComplaintText:
    """One complaint as registered on the desk, written in the voice that suits `channel`.

    `today` anchors the dates mentioned in the text (default DEFAULT_TODAY); all of them fall within
    the preceding year.
    """
    voice = _VOICE.get(channel)
    if voice is None:
        raise ValueError(f"unknown channel {channel!r}")
    r = rng.random
    if category is None:
        category = _CAT_POOL[int(r() * len(_CAT_POOL))]
    fams = _BY_CATEGORY.get(category)
    if not fams:
        raise ValueError(f"unknown category {category!r}")
    fam = fams[int(r() * len(fams))]
    severity = fam.sev[int(r() * len(fam.sev))]
    demand = fam.demands[int(r() * len(fam.demands))]

    s = _Slots(_VOICE_SLOTS[voice])
    s.rng, s.fam, s.today = rng, fam, today or DEFAULT_TODAY

    bi = int(r() * len(fam.bodies))
    title = _pick(rng, fam.titles[bi]).format_map(s)
    if len(title) > 40:
        title = title[:39] + "…"

    first = voice in _FIRST_VOICES
    body = fam.bodies[bi].format_map(s)
    optional: list[str] = []
    if first and r() < (0.4 if voice == "email" else 0.2):
        optional.append(_pick(rng, _BACKGROUND_FIRST).format_map(s))
    elif not first and r() < 0.12:
        optional.append(_pick(rng, _BACKGROUND_HANDLER).format_map(s))
    extras = fam.extras[bi]
    if extras:
        n_extra = _pick(rng, _EXTRA_COUNT[voice])
        i = int(r() * len(extras))
        for j in range(min(n_extra, len(extras))):
            optional.append(extras[(i + j) % len(extras)].format_map(s))
    if first and fam.rants and r() < 0.45:
        optional.append(_pick(rng, fam.rants).format_map(s))
    if category != "other" and r() < _CHASE_P[voice]:
        chase = _CHASE_FIRST if first else _CHASE_HANDLER
        i = int(r() * len(chase))
        optional.append(chase[i].format_map(s))
        if voice in ("email", "letter") and r() < 0.4:  # written complaints tell the whole story
            optional.append(chase[(i + 1 + int(r() * (len(chase) - 1))) % len(chase)].format_map(s))
    if r() < _HIST_P[severity]:
        optional.append(_pick(rng, _HIST_FIRST if first else _HIST_HANDLER).format_map(s))
    emotion = _pick(
        rng, (_EMO_FIRST if first else _EMO_LETTER if voice == "letter" else _EMO_HANDLER)[severity]
    )
    if fam.finance and demand in _DEMAND_FIRST_FIN:
        demand_pool = (_DEMAND_FIRST_FIN if first else _DEMAND_HANDLER_FIN)[demand]
    else:
        demand_pool = (_DEMAND_FIRST if first else _DEMAND_HANDLER)[demand]
    demand_text = _pick(rng, demand_pool).format_map(s)
    if voice == "letter" and r() < 0.7:
        closing = _pick(rng, _CLOSE_LETTER)
    else:
        closing = _pick(rng, (_CLOSE_FIRST if first else _CLOSE_HANDLER)[severity])
    if "{" in emotion:
        emotion = emotion.format_map(s)
    if "{" in closing:
        closing = closing.format_map(s)
    if voice == "email":
        closing += _pick(rng, _CLOSE_EMAIL)
    tail = emotion + demand_text + closing if first and r() < 0.5 else demand_text + emotion + closing

    if voice == "social":
        opening = _pick(rng, _OPEN["social"]) + "“" + _pick(rng, _SOCIAL_LEAD)
        end = "”" + (_pick(rng, _SOCIAL_TAIL).format_map(s) if severity in ("high", "critical") else "")
        body = body.replace("“", "‘").replace("”", "’")
        optional = [o.replace("“", "‘").replace("”", "’") for o in optional]
        tail = tail.replace("“", "‘").replace("”", "’")
    else:
        opening = _pick(rng, _OPEN[channel])
        if "{" in opening:
            opening = opening.format_map(s)
        end = ""
    description = opening + body + "".join(optional) + tail + end
    while len(description) > 600 and optional:
        optional.pop()
        description = opening + body + "".join(optional) + tail + end
    if len(description) < 60:
        for extra in (*extras, *_PADDING_FIRST) if first else (*extras, *_PADDING_HANDLER):
            extra = extra.format_map(s)
            if extra not in optional:
                optional.append(extra)
                description = opening + body + "".join(optional) + tail + end
                if len(description) >= 60:
                    break

    resp, cause = _pick(rng, fam.causes[bi])
    cause = cause.format_map(s)
    root_cause = (cause if cause.startswith("经") else _pick(rng, _CAUSE_LEAD) + cause) + "。"
    compensation = _compensation(rng, severity, demand, resp, s)
    if resp == "customer":
        resolution = _pick(rng, _CUSTOMER_FIXES)
    else:
        resolution = _pick(rng, fam.fixes[bi]).format_map(s)
    if compensation:
        resolution += _pick(rng, _COMP_LEAD) + "、".join(_comp_phrase(rng, t, n) for t, n in compensation)
    resolution += "。" + _pick(rng, _FIX_TAIL)

    tasks = fam.tasks[bi]
    k = min(_pick(rng, _TASK_COUNT[severity]), len(tasks))
    start = int(r() * len(tasks))
    chosen = [tasks[(start + i) % len(tasks)] for i in range(k)]
    departments = [d for d, _ in chosen]
    task_titles = [t.format_map(s) for _, t in chosen]
    if severity == "critical" and "legal" not in departments:
        departments.append("legal")
        task_titles.append(_pick(rng, _GENERIC_TASKS["legal"]))
    if "finance" not in departments and any(t == "refund" for t, _ in compensation) and r() < 0.5:
        departments.append("finance")
        task_titles.append(_pick(rng, _GENERIC_TASKS["finance"]))

    if fam.ref == "contract":
        order_ref = "分期合同 " + s["contract"]
    elif fam.ref == "card":
        order_ref = "华启联名卡 尾号" + s["tail4"]
    elif fam.ref == "order" or "order" in s or (fam.ref == "mixed" and r() < 0.6):
        order_ref = s["order"]
    else:
        order_ref = ""
    product = fam.prod.format_map(s) if fam.prod else s["product"]

    return ComplaintText(
        category=category,
        severity=severity,
        title=title,
        description=description,
        product=product,
        order_ref=order_ref,
        demand=demand,
        root_cause=root_cause,
        responsibility=resp,
        resolution=resolution,
        compensation=compensation,
        departments=departments,
        task_titles=task_titles,
    )


# --------------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------------

# Surnames with pinyin, in frequency groups: (entries, weight).
_SURNAME_GROUPS = (
    ("王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou", 4),
    ("徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang", 2),
    (
        "许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao 田tian 董dong 袁yuan 潘pan 于yu 蒋jiang 蔡cai "
        "余yu 杜du 叶ye 程cheng 苏su 魏wei 吕lv 丁ding 任ren 沈shen 姚yao 卢lu 姜jiang 崔cui 钟zhong 谭tan "
        "陆lu 汪wang 范fan 金jin 石shi 廖liao 贾jia 夏xia 韦wei 付fu 方fang 白bai 邹zou 孟meng 熊xiong 秦qin "
        "邱qiu 江jiang 尹yin 薛xue 闫yan 段duan 雷lei 侯hou 龙long 史shi 陶tao 黎li 贺he 顾gu 毛mao 郝hao "
        "龚gong 邵shao 万wan 钱qian 严yan 覃qin 武wu 戴dai 莫mo 孔kong 向xiang 汤tang 欧阳ouyang",
        1,
    ),
)


def _split_han(entry: str) -> tuple[str, str]:
    i = next(i for i, ch in enumerate(entry) if ch.isascii())
    return entry[:i], entry[i:]


_SURNAMES: tuple[tuple[str, str], ...] = tuple(
    _split_han(entry) for group, weight in _SURNAME_GROUPS for entry in group.split() for _ in range(weight)
)


def _table(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# Given names with syllable-separated pinyin (for e-mail addresses).
_GIVEN_MODERN = _table(
    "伟 wei|强 qiang|磊 lei|军 jun|勇 yong|杰 jie|涛 tao|斌 bin|超 chao|明 ming|浩 hao|鹏 peng|飞 fei|凯 kai|亮 liang|"
    "静 jing|丽 li|敏 min|燕 yan|芳 fang|娟 juan|婷 ting|雪 xue|琳 lin|颖 ying|倩 qian|洁 jie|"
    "志强 zhi-qiang|海涛 hai-tao|晓东 xiao-dong|俊杰 jun-jie|子轩 zi-xuan|浩然 hao-ran|宇航 yu-hang|博文 bo-wen|"
    "文斌 wen-bin|明辉 ming-hui|振宇 zhen-yu|家豪 jia-hao|一鸣 yi-ming|思远 si-yuan|子墨 zi-mo|嘉诚 jia-cheng|"
    "鹏飞 peng-fei|文杰 wen-jie|晨阳 chen-yang|睿哲 rui-zhe|梓豪 zi-hao|宏伟 hong-wei|志刚 zhi-gang|俊峰 jun-feng|"
    "立新 li-xin|少华 shao-hua|天佑 tian-you|建华 jian-hua|永刚 yong-gang|国栋 guo-dong|"
    "美玲 mei-ling|丽娟 li-juan|晓燕 xiao-yan|雅婷 ya-ting|欣怡 xin-yi|梓涵 zi-han|诗涵 shi-han|佳怡 jia-yi|"
    "雨桐 yu-tong|思琪 si-qi|婉清 wan-qing|可馨 ke-xin|慧敏 hui-min|丽华 li-hua|春梅 chun-mei|海燕 hai-yan|"
    "晓琳 xiao-lin|紫萱 zi-xuan|梦瑶 meng-yao|一诺 yi-nuo|若曦 ruo-xi|静怡 jing-yi|晓红 xiao-hong|亚楠 ya-nan|"
    "文静 wen-jing|艳红 yan-hong|玉洁 yu-jie|秋月 qiu-yue|雨欣 yu-xin|佳琪 jia-qi|晓萌 xiao-meng|思雨 si-yu"
)
_GIVEN_ELDER = _table(
    "建国 jian-guo|国强 guo-qiang|德明 de-ming|志华 zhi-hua|福生 fu-sheng|长海 chang-hai|桂兰 gui-lan|秀兰 xiu-lan|"
    "淑珍 shu-zhen|凤英 feng-ying|玉珍 yu-zhen|金花 jin-hua|德福 de-fu|守成 shou-cheng|玉芬 yu-fen|素梅 su-mei|"
    "振华 zhen-hua|秀珍 xiu-zhen|秀英 xiu-ying|桂英 gui-ying|玉兰 yu-lan|淑芬 shu-fen|凤霞 feng-xia|卫东 wei-dong|"
    "国庆 guo-qing|建军 jian-jun|春生 chun-sheng|德胜 de-sheng|学军 xue-jun|永福 yong-fu"
)

_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "170",
    "171",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "196",
    "198",
    "199",
)
_MAIL_DOMAINS = (
    "163.com",
    "163.com",
    "163.com",
    "qq.com",
    "qq.com",
    "126.com",
    "126.com",
    "foxmail.com",
    "sina.com",
    "outlook.com",
    "yeah.net",
    "139.com",
)
_COMPANY_DOMAINS = (
    "qingmu-design.cn",
    "hengyuan-tech.com",
    "lanxi-group.cn",
    "boyue-edu.com",
    "jinhe-trade.cn",
)
_CITIES = (
    "上海",
    "北京",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "武汉",
    "南京",
    "重庆",
    "西安",
    "苏州",
    "天津",
    "长沙",
    "郑州",
    "青岛",
    "合肥",
    "宁波",
    "厦门",
    "济南",
    "昆明",
    "福州",
    "无锡",
    "佛山",
    "东莞",
    "沈阳",
    "大连",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "南昌",
    "南宁",
    "贵阳",
    "兰州",
    "温州",
    "绍兴",
    "嘉兴",
    "常州",
    "南通",
    "徐州",
    "烟台",
    "潍坊",
    "洛阳",
    "宜昌",
    "襄阳",
    "珠海",
    "中山",
    "惠州",
    "泉州",
    "扬州",
    "芜湖",
    "呼和浩特",
    "乌鲁木齐",
    "海口",
    "银川",
    "西宁",
    "金华",
    "台州",
    "绵阳",
)
_BIG_CITIES = _CITIES[:16]
_TIER_POOL = ("regular",) * 52 + ("silver",) * 25 + ("gold",) * 14 + ("platinum",) * 7 + ("diamond",) * 2


def _email(rng: random.Random, sur_py: str, given_py: str) -> str:
    syll = given_py.split("-")
    given = "".join(syll)
    initials = sur_py[0] + "".join(x[0] for x in syll)
    year = 1960 + int(rng.random() * 45)
    roll = rng.random()
    if roll < 0.18:
        return f"{1 + int(rng.random() * 9)}{int(rng.random() * 10 ** (5 + int(rng.random() * 5)))}@qq.com"
    if roll < 0.27:
        return (
            f"{_pick(rng, (sur_py + given, sur_py + '.' + given, initials))}@{_pick(rng, _COMPANY_DOMAINS)}"
        )
    domain = _pick(rng, _MAIL_DOMAINS)
    style = int(rng.random() * 6)
    if style == 0:
        local = f"{sur_py}{given}{int(rng.random() * 100)}"
    elif style == 1:
        local = f"{sur_py}{given}.{year % 100:02d}"
    elif style == 2:
        local = f"{given}_{sur_py}"
    elif style == 3:
        local = f"{initials}{year}"
    elif style == 4:
        local = f"{sur_py}.{given}"
    else:
        local = f"{_pick(rng, ('xiao', 'a', 'lao', 'da'))}{syll[-1]}{int(rng.random() * 1000)}"
    return f"{local}@{domain}"


def customer(rng: random.Random) -> dict[str, str]:
    """A demo customer: full name, mainland mobile, optional e-mail, member tier, special group, city."""
    roll = rng.random()
    special = "elderly" if roll < 0.07 else "disabled" if roll < 0.09 else ""
    sur, sur_py = _pick(rng, _SURNAMES)
    pool = _GIVEN_ELDER if special == "elderly" or rng.random() < 0.12 else _GIVEN_MODERN
    given, given_py = _pick(rng, pool).split(" ")
    phone = _pick(rng, _MOBILE_PREFIXES) + f"{int(rng.random() * 100_000_000):08d}"
    email = (
        ""
        if rng.random() < 0.45 or (special == "elderly" and rng.random() < 0.6)
        else _email(rng, sur_py, given_py)
    )
    return {
        "name": sur + given,
        "phone": phone,
        "email": email,
        "tier": _pick(rng, _TIER_POOL),
        "special_group": special,
        "city": _pick(rng, _BIG_CITIES if rng.random() < 0.5 else _CITIES),
    }


# --------------------------------------------------------------------------------------------------
# Follow-up comments, timeline notes, approval reasons
# --------------------------------------------------------------------------------------------------

_FOLLOW_LEAD = {
    5: (
        "处理得挺快的，谢谢你们。",
        "补偿已经收到了，很满意。",
        "这次处理我很满意，接电话的小姑娘很耐心。",
        "没想到你们会这么重视，谢谢。",
        "东西已经换了，用着挺好的。",
        "问题解决了，以后还会继续在华启买。",
        "你们主管亲自打电话来，我挺感动的。",
        "比我预想的好，给你们点赞。",
    ),
    4: (
        "问题基本解决了，就是时间拖得有点长。",
        "还可以吧，补偿到账了。",
        "总体满意，希望以后别再出这种事。",
        "处理结果能接受，但第一次沟通体验不太好。",
        "挺好的，就是电话打了好几次才找到人。",
        "解决了，谢谢，就是流程再简单点就好了。",
    ),
    3: (
        "一般吧，问题是解决了，但过程太折腾。",
        "补偿有点少，算了，不想再计较了。",
        "说不上满意，先这样吧。",
        "解决是解决了，但我对你们的信任打了折扣。",
        "还行，就是希望以后能一次说清楚。",
        "马马虎虎，不好也不坏。",
    ),
    2: (
        "不太满意，补偿跟我的损失差太多。",
        "问题只解决了一半。",
        "你们的处理态度我不认可。",
        "拖了这么久，现在解决也没什么意义了。",
        "东西修好了，但又出现了别的毛病。",
        "道歉是道了，可该退的钱还没退全。",
    ),
    1: (
        "非常不满意，问题根本没解决。",
        "我不接受这个处理结果，会继续投诉。",
        "别再打电话给我了，我已经去12315投诉了。",
        "你们就是在敷衍，我要找律师。",
        "说了半天还是那一套，我很失望。",
        "回访有什么用？东西到现在还是坏的。",
    ),
}
_FOLLOW_TAIL = {
    5: ("", "", "下次会推荐朋友来。", "辛苦了。", "麻烦替我谢谢那位处理的同事。"),
    4: ("", "", "辛苦了。", "希望你们继续改进。", "下次注意就好。"),
    3: ("", "", "希望你们真的改进。", "就这样吧。", "以后再看吧。"),
    2: ("", "", "以后会慎重考虑在你们这买东西。", "我会在网上如实评价。", "希望你们领导能看到。"),
    1: (
        "",
        "以后不会再在你们这买了。",
        "我会在网上如实评价。",
        "希望你们领导能看到。",
        "我保留继续追究的权利。",
    ),
}


def follow_up_comment(rng: random.Random, satisfaction: int) -> str:
    """What the customer said on the follow-up call, for a 1–5 satisfaction score."""
    score = min(5, max(1, int(satisfaction)))
    return _pick(rng, _FOLLOW_LEAD[score]) + _pick(rng, _FOLLOW_TAIL[score])


_DEPT_ZH = ("法务部", "质量部", "物流部", "技术部", "财务部", "门店运营部", "商品部")
_NOTES = {
    "acknowledge": (
        "已受理，电话联系客户确认诉求，客户情绪{mood}。",
        "已致电客户致歉并核实订单信息，承诺{hours}小时内给予初步答复。",
        "首次联系未接通，已发送受理短信，{hours}小时内再次致电。",
        "已受理并安抚客户情绪，告知将由专人跟进。",
        "已核实客户身份，确认投诉事项，告知处理时限。",
        "受理短信已发送，工单号已告知客户。",
        "客户要求仅通过文字沟通，已在工单备注，后续以短信联系。",
        "已受理，客户为老年人，已放慢语速逐项确认诉求。",
    ),
    "investigate": (
        "已发函{dept}协查，要求{hours}小时内回复。",
        "调取通话录音{n}段，初步判断情况属实。",
        "已联系门店店长核实现场情况，等待监控截图。",
        "与{dept}沟通，对方确认问题属实，正在出具书面说明。",
        "查阅历史工单，客户近三个月有{n}次同类投诉，已关联处理。",
        "已联系物流合作方，索要签收凭证及配送轨迹。",
        "同类问题本周已出现{n}起，已提请{dept}排查是否为批次问题。",
        "等待厂家检测报告，预计{days}个工作日出结果。",
        "已调取订单及支付流水，核对扣款记录。",
    ),
    "resolve": (
        "与客户达成一致，按方案处理，客户表示接受。",
        "补偿已发放至客户账户，已短信通知。",
        "退款已提交{dept}，预计{days}个工作日到账，已告知客户。",
        "已安排上门处理，完成后客户签字确认。",
        "方案超出本人权限，已提交主管审批，审批通过后执行。",
        "客户接受道歉及补偿，同意结案。",
        "已向客户寄送书面致歉信及处理结果说明。",
        "{dept}整改措施已落实，处理结果已告知客户。",
    ),
    "follow_up": (
        "回访客户，对处理结果满意，无其他诉求。",
        "回访未接通，已短信告知，{hours}小时后再次回访。",
        "回访客户，问题已解决，但对处理时长有意见，已记录。",
        "回访时客户提出新问题，已另行建单。",
        "第{n}次回访未接通，按规定记录。",
        "回访确认补偿已到账，客户表示认可。",
        "回访客户，客户表示基本满意，建议简化售后流程。",
    ),
    "reopen": (
        "客户来电称问题再次出现，重新打开工单。",
        "客户对处理结果不认可，要求重新处理，已重开。",
        "补偿未按承诺到账，客户再次投诉，工单重开并加急。",
        "回访发现问题未实际解决，工单重开，转{dept}复查。",
        "客户补充了新的证据材料，重新进入调查。",
    ),
    "escalate": (
        "客户情绪激动，表示将向12315投诉，已升级至主管。",
        "涉及舆情风险，已上报公关及主管，启动2小时响应。",
        "处理时限即将超时，已升级至值班经理。",
        "涉及人身安全，已升级至法务部及质量部。",
        "客户为高等级会员且重复投诉，按规定升级处理。",
        "补偿金额超出授权，升级至部门经理审批。",
        "客户要求公司负责人出面，已上报区域负责人。",
    ),
}
_NOTES["evidence"] = (
    "客户提供的开箱视频已存档。",
    "已调取门店监控截图{n}张并上传。",
    "通话录音已导出，附于工单。",
    "客户发来的聊天记录截图已归档。",
    "已收到{dept}出具的书面说明。",
    "物流签收凭证及配送轨迹已附上。",
    "客户提供的购物小票及照片已扫描上传。",
    "检测报告已上传，结论待{dept}确认。",
    "已留存客户提供的医院诊断证明复印件。",
)
# Aliases used by callers that name stages after statuses.
for _alias, _stage in (
    ("first_response", "investigate"),
    ("investigating", "investigate"),
    ("resolving", "resolve"),
    ("resolved", "resolve"),
    ("reopened", "reopen"),
    ("escalated", "escalate"),
    ("acknowledged", "acknowledge"),
):
    _NOTES[_alias] = _NOTES[_stage]
del _alias, _stage
_MOODS = ("平稳", "较为激动", "激动", "平和", "焦急")


def handler_note(rng: random.Random, stage: str) -> str:
    """A short timeline note a handler writes at `stage` (acknowledge, investigate, resolve, follow_up,
    reopen, escalate, evidence, or a status-like alias such as "investigating")."""
    pool = _NOTES.get(stage)
    if pool is None:
        raise ValueError(f"unknown stage {stage!r}")
    text = _pick(rng, pool)
    if "{" in text:
        text = text.format(
            mood=_pick(rng, _MOODS),
            hours=_pick(rng, ("2", "4", "24", "48")),
            dept=_pick(rng, _DEPT_ZH),
            n=_pick(rng, ("2", "3", "4", "5")),
            days=_pick(rng, ("3", "5", "7")),
        )
    return text


_APPROVE = (
    "系我方责任，补偿在授权范围内，同意。",
    "同类案例补偿标准一致，同意按方案执行。",
    "已核实损失凭证，金额合理，同意。",
    "涉及舆情风险，为尽快平息事态，同意特批。",
    "符合补偿分级标准，同意。",
    "同意，请在{hours}小时内执行并回访。",
    "情况属实，同意方案，另请{dept}跟进整改。",
    "客户为高等级会员且确属我方失误，同意。",
)
_REJECT = (
    "补偿金额超出同类案例标准，建议调整为购物券方式。",
    "责任尚未认定，请先补充调查材料再提交。",
    "损失凭证不足，暂不同意，请补充票据。",
    "超出本级审批权限，请提交上级审批。",
    "方案未附成本效益评估，请补充后重新提交。",
    "建议以维修替代换新，符合三包规定即可。",
    "该客户近30天已获补偿，请核实是否重复补偿。",
    "责任方为合作方，应由{dept}向合作方追偿，不宜由我司直接赔付。",
)
_APPROVAL_TAIL = ("", "", "", "请注意留存沟通记录。", "处理后及时更新工单。", "请同步告知客户预计到账时间。")


def approval_reason(rng: random.Random, approved: bool) -> str:
    """The approver's comment on a compensation request."""
    text = _pick(rng, _APPROVE if approved else _REJECT)
    if "{" in text:
        text = text.format(hours=_pick(rng, ("24", "48", "72")), dept=_pick(rng, _DEPT_ZH))
    return text + _pick(rng, _APPROVAL_TAIL)
