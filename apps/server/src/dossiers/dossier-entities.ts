import { Notification } from '../notifications/notification.entity.ts';
import { Attachment } from './attachment.entity.ts';
import { DossierCodeSequence } from './dossier-code-sequence.entity.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { DossierPause } from './dossier-pause.entity.ts';
import { Dossier } from './dossier.entity.ts';

/** The entities of dossiers, their history and files, and the notification outbox (registered in database/entities.ts). */
export const DOSSIER_ENTITIES = [Dossier, DossierPause, DossierEvent, Attachment, DossierCodeSequence, Notification];
