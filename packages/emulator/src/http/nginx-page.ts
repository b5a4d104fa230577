const REASONS: Record<number, string> = {
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** The HTML error page nginx (the gateway in front of WeChat) sends for `status`. */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  )
}
