// Word lists for plausible demo names and places. Data, not logic.
export const HONGJIANG = { name: '洪江区', code: '431271', townships: ['新街街道', '沅江路街道', '河滨路街道', '若水镇', '横岩乡', '桂花园乡'] };

export const TRADE_NAMES = '沅江 雄溪 古商 洪盛 嵩云 福源 昌隆 恒泰 聚丰 宏发 永兴 锦绣 和顺 鑫源 金桥 湘西 怀仁 德润 同心 安康 益民 盛世 华美 天成 长青 新峰 瑞祥 祥和 富民 顺达'.split(' ');
export const SURNAMES = '王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 邓 冯 曹 彭 曾 肖 田 董 潘 袁 蒋 蔡 舒 向 杨 龙 粟'.split(' ');
export const GIVEN_CHARS = '伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 国 红 文 辉 玲 斌 波 宇 浩 凯 婷 雪 琳 鹏 晨'.split(' ');
export const STREETS = '沅江路 雄溪路 新民路 大码头路 高坡街 米厂巷 塘冲路 河滨路 中山路 万寿宫街'.split(' ');

/** Per GB/T 4754 section: a business word for company names and a shop word for 个体工商户. */
export const INDUSTRY_WORDS: Record<string, [string, string]> = {
  A: ['农业开发', '种植场'], C: ['食品加工', '加工坊'], E: ['建筑工程', '装修队'], F: ['商贸', '便利店'],
  G: ['物流', '货运部'], H: ['餐饮管理', '餐馆'], I: ['网络科技', '电脑店'], K: ['房地产开发', '房产中介'],
  L: ['广告传媒', '图文店'], M: ['技术服务', '工作室'], O: ['家政服务', '理发店'], R: ['文化传播', '书店'],
};
