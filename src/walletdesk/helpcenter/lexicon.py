"""Product vocabulary for search: jieba user words, synonym concepts, stop words.

A *concept* groups the ways people say one thing, in both languages. When any
of its phrases occurs in an article or a query, the concept token (``~name``)
is added, so "密码忘了", "登不上" and "forgot password" meet the same article.
Chinese phrases match as substrings of the normalized text; English phrases
match whole (typo-corrected) words.
"""

from __future__ import annotations

# Words jieba should keep whole (word, frequency).
USER_WORDS = [
    "手续费", "到账", "没到账", "未到账", "待处理", "未完成", "处理中", "两步验证", "双重验证",
    "验证码", "验证器", "恢复码", "人工客服", "客服", "工号", "实名认证", "实名", "闪退", "转圈",
    "一直转圈", "绑卡", "解绑", "提现", "充值", "转账", "退款", "部分退款", "冲正", "冻结",
    "锁定", "被锁", "解锁", "钓鱼", "钓鱼网站", "找回密码", "忘记密码", "重置密码", "登不上",
    "登录不了", "打不开", "扣费", "扣款", "扣钱", "账单", "交易记录", "手机号", "邮箱", "服务时间",
    "假客服", "安全账户", "信用卡", "银行卡", "余额", "费率", "免手续费", "网络钓鱼", "二维码", "增值",
]

CONCEPTS: dict[str, list[str]] = {
    "forgot_password": [
        "忘记密码", "忘了密码", "密码忘了", "密码忘记", "找回密码", "重置密码", "密码找回", "登不上",
        "登录不了", "登陆不了", "登不进", "无法登录", "不能登录", "进不去", "密码不对", "密码错误",
        "改密码", "修改密码", "forgot password", "forget password", "forgotten password",
        "reset password", "password reset", "can't log in", "cant log in", "cannot log in",
        "can't login", "cant login", "can't sign in", "unable to log in", "lost password",
        "recover password", "wrong password", "change password", "new password"],
    "pending": [
        "卡住", "一直转圈", "转圈", "待处理", "处理中", "没到账", "未到账", "不到账", "还没到", "没收到钱",
        "未完成", "没完成", "没成功", "交易失败", "扣了钱", "扣钱了", "钱扣了", "钱没了", "超时", "没反应",
        "pending", "stuck", "incomplete", "not arrived", "hasn't arrived", "never arrived",
        "didn't arrive", "not received", "processing", "spinning", "still waiting", "expired",
        "failed transaction", "money missing", "money disappeared"],
    "locked": [
        "被锁", "锁定", "锁住", "锁了", "冻结", "解锁", "解冻", "封号", "被封", "限制登录", "账户异常",
        "locked", "lock", "locked out", "frozen", "freeze", "unfreeze", "suspended", "blocked", "unlock",
        "disabled"],
    "fee": [
        "手续费", "费用", "扣费", "收费", "费率", "服务费", "多少钱", "收钱", "贵", "免费", "省钱",
        "fee", "fees", "charge", "charges", "charged", "cost", "price", "pricing", "free",
        "commission"],
    "refund": [
        "退款", "退钱", "退回", "退货", "钱退", "返还", "重复扣款", "多扣", "refund", "money back",
        "reimburse", "return my money", "charged twice", "double charge", "give back"],
    "topup": [
        "充值", "增值", "充钱", "存钱", "加钱", "往钱包", "存入", "top up", "top-up", "topup", "add money",
        "add funds", "load money", "deposit", "fund my wallet"],
    "transfer": [
        "转账", "转钱", "汇款", "打钱", "转给", "给朋友", "转错", "transfer", "send money",
        "pay a friend", "pay someone", "send to", "wire"],
    "withdraw": ["提现", "取钱", "取出", "提到银行卡", "withdraw", "withdrawal", "cash out",
                 "take money out"],
    "card": [
        "绑卡", "绑定银行卡", "银行卡", "信用卡", "解绑", "支付方式", "付款方式", "卡片", "绑信用卡",
        "link card", "add card", "bank card", "credit card", "debit card", "payment method",
        "remove card"],
    "scam": [
        "诈骗", "骗子", "被骗", "骗局", "钓鱼", "冒充", "假客服", "中奖", "可疑链接", "陌生链接",
        "点链接", "安全账户", "要验证码", "要我的验证码", "索要验证码", "验证码告诉", "把验证码",
        "scam", "scammer", "fraud", "phishing", "fake", "pretending",
        "impersonat", "suspicious link", "click a link", "prize", "won a",
        "asked me for my code", "asked for my code", "asked me for the code",
        "wants my code", "for my verification code"],
    "official": [
        "官方", "真假", "是真的", "是不是真", "核实", "验证号码", "真的吗", "假的", "正规", "official",
        "genuine", "legit", "legitimate", "real number", "is this real", "verify number",
        "is this number"],
    "agent_id": ["工号", "客服编号", "employee id", "agent id", "badge"],
    "human": [
        "人工", "人工客服", "真人", "转人工", "联系客服", "找客服", "客服电话", "在线客服", "客服热线",
        "投诉", "contact support", "customer service", "real person", "human", "talk to", "speak to",
        "agent", "live chat", "call support", "hotline", "complaint", "complain"],
    "hours": [
        "服务时间", "营业时间", "上班", "下班", "几点", "工作时间", "什么时候", "节假日", "周末", "晚上",
        "hours", "opening", "open", "closed", "what time", "when", "weekend", "holiday"],
    "prepare": [
        "准备", "打电话前", "打电话", "通话", "技巧", "排队", "等很久", "记录", "prepare", "ready",
        "before calling", "before i call", "tips", "queue", "wait time", "notes", "calling"],
    "two_factor": [
        "两步验证", "双重验证", "二次验证", "双因素", "双重认证", "两步认证", "验证器", "动态码", "恢复码",
        "2fa", "two factor", "two-factor", "two step", "two-step", "authenticator", "totp",
        "mfa", "otp", "recovery code", "authentication", "authentification"],
    "security": [
        "安全", "被盗", "盗号", "保护", "强密码", "复杂密码", "密码安全", "security", "secure",
        "safe", "hacked", "stolen", "protect", "strong password"],
    "app": [
        "闪退", "打不开", "崩溃", "白屏", "加载不出", "卡顿", "应用", "app", "软件", "更新", "版本",
        "crash", "crashes", "crashing", "won't open", "wont open", "not loading", "blank screen",
        "freezes", "update", "bug", "error"],
    "contact_change": [
        "换手机号", "换号", "换手机号码", "改手机号", "修改手机号", "更换手机号", "换邮箱", "改邮箱",
        "修改邮箱", "更换邮箱", "手机号停用", "号码不用了", "change phone", "change my phone",
        "new phone number", "phone number", "change email", "update email", "email address",
        "change number", "new email"],
    "identity": [
        "实名", "实名认证", "身份验证", "身份认证", "身份证", "证件", "认证", "护照", "kyc",
        "identity", "verify my identity", "id card", "passport", "document", "id document",
        "verification of identity"],
}

# Written Cantonese and Hong Kong words -> Mandarin, applied to a Chinese query after the
# zh-hant -> zh-hans conversion (OpenCC changes the script, not the words: "问我攞验证码" keeps
# 攞 "take", so neither the concepts nor the encoder, which both know Mandarin best, see
# "要验证码"). Only words that Mandarin text does not use this way; longer ones go first.
CANTONESE: dict[str, str] = {
    "唔记得": "忘记", "唔该": "请", "唔系": "不是", "唔使": "不用", "唔得": "不行", "唔": "不",
    "系唔系": "是不是", "系咪": "是不是", "冇": "没有", "咗": "了", "嘅": "的",
    "佢哋": "他们", "我哋": "我们", "你哋": "你们", "佢": "他", "哋": "们",
    "攞返": "拿回", "攞": "要", "俾人": "被人", "俾": "给", "畀": "给", "啲": "些", "喺": "在",
    "睇": "看", "揾": "找", "搵": "找", "嚟": "来", "乜嘢": "什么", "咩": "什么", "嘢": "东西",
    "点样": "怎样", "点解": "为什么", "点算": "怎么办", "边度": "哪里", "边个": "谁",
    "而家": "现在", "噉样": "这样", "噉": "这样", "咁耐": "这么久", "咁": "这么", "好耐": "很久",
    "嗰个": "那个", "嗰": "那", "呢个": "这个", "呢度": "这里", "啱啱": "刚刚", "啱": "对",
    "电邮": "邮箱", "帐户": "账户", "帐号": "账号", "转帐": "转账", "登入": "登录",
    "短讯": "短信", "讯息": "信息", "连结": "链接", "网上客服": "在线客服", "信用咭": "信用卡",
    "倾偈": "聊天", "倾计": "聊天", "俾人呃": "被人骗", "呃钱": "骗钱", "几多": "多少", "碌卡": "刷卡",
    "撳": "按",
}

_STOP_EN_WORDS = """
a an and are as at be but by can could do does did for from had has have how i i'm if in into
is it its me my of on or our please so that the their them then there this to was we were what
which while who why will with would you your im ive dont doesnt didnt get got just
"""
_STOP_ZH_WORDS = """
的 了 吗 呢 吧 啊 呀 么 我 你 他 她 它 我们 你们 是 在 有 和 与 及 或 就 都 也 还 又
怎么 怎么办 怎样 如何 为什么 什么 哪里 哪 这 那 这个 那个 一个 一下 能 会 要 想 请
该 被 给 把 让 用 可以 可能 应该 一直 已经 但是 然后 如果 所以 不 没 没有 好 个 上
下 里 中 后 前 时 对 到 说 等 得 着 过 地 之
"""
STOP_EN = frozenset(_STOP_EN_WORDS.split())
STOP_ZH = frozenset(_STOP_ZH_WORDS.split())
