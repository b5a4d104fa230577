/**
 * WeChat's own example menu (a click button, and a parent with view, miniprogram and click sub-buttons),
 * shared by the core and emulator menu tests so both sides are checked against the same body.
 */
export const SAMPLE_MENU = {
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    {
      name: '菜单',
      sub_button: [
        { type: 'view', name: '搜索', url: 'https://www.soso.com/' },
        {
          type: 'miniprogram',
          name: 'wxa',
          url: 'https://mp.weixin.qq.com',
          appid: 'wx286b93c14bbf93aa',
          pagepath: 'pages/lunar/index',
        },
        { type: 'click', name: '赞一下我们', key: 'V1001_GOOD' },
      ],
    },
  ],
} as const
