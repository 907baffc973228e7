import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣建国志文博建华海峰晓东"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英燕萍红梅琳雪琴云莉兰凤洁婷倩颖慧佳妍璐晶丹蕾瑶怡悦"


def person_name(rng: random.Random, *, female: bool) -> str:
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given
