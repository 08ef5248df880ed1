import { Injectable, Logger } from '@nestjs/common'
import nodemailer, { Transporter } from 'nodemailer'
import { Config } from '@quiver/common'

export interface Mail {
  to: string
  subject: string
  text: string
}

/** Sends over SMTP_URL; with no SMTP configured the message (and its links) goes to the log. */
@Injectable()
export class Mailer {
  private readonly logger = new Logger('Mailer')
  private readonly transport?: Transporter

  constructor(private readonly config: Config) {
    if (config.SMTP_URL) this.transport = nodemailer.createTransport(config.SMTP_URL)
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) {
      this.logger.log(`SMTP_URL is not set; e-mail to ${mail.to} not sent: ${mail.subject}\n${mail.text}`)
      return
    }
    await this.transport.sendMail({ from: this.config.SMTP_FROM, ...mail })
  }
}
