// Entry of `fulfillkit/smtp`: customer email over an injected nodemailer transport.
export { smtpNotifier, type SmtpMail, type SmtpNotifierOptions, type SmtpTransportLike } from './notifiers/smtp/smtp-notifier.js';
export { DEFAULT_EMAIL_TEMPLATES, renderEmail, type EmailTemplate, type EmailTemplateSet, type RenderedEmail } from './notifiers/smtp/smtp-templates.js';
