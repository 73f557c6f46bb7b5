// Startup marks (performance.mark): reported with app_ready, printed by the startup trace.
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './style.css';
import './theme.css';
import './plain.css';

performance.mark('wwdev:script evaluated');
createApp(App).use(i18n).use(router).mount('#app');
performance.mark('wwdev:app mounted');
