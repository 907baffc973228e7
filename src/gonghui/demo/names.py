"""Chinese personal names for generated data: common surnames weighted roughly by frequency, one- or
two-character given names, and a few names written the way 身份证 write Uyghur and Kazakh names (with `·`)."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# The ten most common surnames carry about 40% of the population: repeat them so they come up that often.
WEIGHTED_SURNAMES = SURNAMES[:10] * 4 + SURNAMES[10:30] * 2 + SURNAMES[30:]
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣建国志文博建华海峰晓东"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英燕萍红梅琳雪琴云莉兰凤洁婷倩颖慧佳妍璐晶丹蕾瑶怡悦"
# Names of 维吾尔族 and 哈萨克族 members as 身份证 write them: given name · father's name.
UYGHUR_GIVEN_MALE = ("艾力", "买买提", "阿布都热依木", "艾尔肯", "吐尔逊", "努尔兰")
UYGHUR_GIVEN_FEMALE = ("古丽", "阿依古丽", "热依拉", "迪丽娜尔", "帕提古丽", "古丽娜尔")
UYGHUR_FATHER = ("买买提", "吐尔洪", "艾山", "阿不都拉", "热合曼", "托合提")


def person_name(rng: random.Random, *, female: bool) -> str:
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def member_name(rng: random.Random, *, female: bool) -> str:
    """A member's name: surnames by frequency, given names of one or two characters (two more often)."""
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    given = pool[int(rng.random() * len(pool))]
    if rng.random() < 0.7:
        given += pool[int(rng.random() * len(pool))]
    return WEIGHTED_SURNAMES[int(rng.random() * len(WEIGHTED_SURNAMES))] + given


def uyghur_name(rng: random.Random, *, female: bool) -> str:
    return f"{rng.choice(UYGHUR_GIVEN_FEMALE if female else UYGHUR_GIVEN_MALE)}·{rng.choice(UYGHUR_FATHER)}"
