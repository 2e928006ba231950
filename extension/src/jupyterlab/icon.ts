/** lablog's icon in JupyterLab (sidebar tab, toolbar button): a small rising chart. */
import { LabIcon } from '@jupyterlab/ui-components';

export const lablogIcon = new LabIcon({
  name: 'lablog:icon',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path d="M3 3h2v16h16v2H3z"/><path d="M7 15.6l4.2-5.1 3.3 2.8 4.4-6.1 1.6 1.2-5.6 7.7-3.3-2.8-3.1 3.7z"/></g></svg>',
});
