import { describe, expect, it } from 'vitest'
import { parsePushXml } from '../src/push/push-xml.js'

describe('parsePushXml', () => {
  it('keeps values as strings, trims text and keeps CDATA as written', () => {
    expect(
      parsePushXml(
        '<?xml version="1.0"?>\n<xml>\n  <CreateTime>0123</CreateTime><MsgId>12345678901234567890</MsgId>' +
          '<T>true</T><Content>a &lt; b &amp; c</Content><X>  spaced  </X><Y> <![CDATA[ c ]]> </Y><!-- c --></xml>',
      ),
    ).toEqual({
      CreateTime: '0123',
      MsgId: '12345678901234567890',
      T: 'true',
      Content: 'a < b & c',
      X: 'spaced',
      Y: ' c ',
    })
  })

  it('nests event fields, repeats as arrays, List/detail/item always arrays, empty elements as ""', () => {
    expect(
      parsePushXml(
        '<xml><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo>' +
          '<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item></PicList></SendPicsInfo>' +
          '<SendLocationInfo><Poiname></Poiname><Label/></SendLocationInfo>' +
          '<List><TemplateId>t</TemplateId></List><detail><strategy>x</strategy></detail><A>1</A><A>2</A></xml>',
      ),
    ).toEqual({
      ScanCodeInfo: { ScanType: 'qrcode' },
      SendPicsInfo: { Count: '1', PicList: { item: [{ PicMd5Sum: 'a' }] } },
      SendLocationInfo: { Poiname: '', Label: '' },
      List: [{ TemplateId: 't' }],
      detail: [{ strategy: 'x' }],
      A: ['1', '2'],
    })
  })

  it('refuses declarations, malformed documents, another root and a root without fields', () => {
    expect(parsePushXml('<!DOCTYPE x><xml><A>1</A></xml>')).toBe('doctype')
    expect(parsePushXml('<xml><!ENTITY x "y"><A>1</A></xml>')).toBe('doctype')
    for (const text of [
      '<xml><A>hi</xml>',
      '<xml/>',
      '<xml>t</xml>',
      '<other><A>1</A></other>',
      '<xml><A>1</A></xml><x/>',
      '<xml><A>&nbsp;</A></xml>',
    ])
      expect(parsePushXml(text), text).toBe('malformed')
  })

  it('keeps an element named __proto__ as an own field, off the prototype', () => {
    const fields = parsePushXml('<xml><__proto__><polluted>1</polluted></__proto__></xml>')
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
    expect(Object.hasOwn(fields as object, '__proto__')).toBe(true)
  })
})
